"""Compiled builds of the engine's hot modules, used only while they match the source.

`make native` (run by `make run`, `make test` and `make bench`) compiles the modules in
COMPILED to C extensions with mypyc into `.build/native/` and records there the SHA-256 of
every engine source. On import, a package with compiled modules puts their folder first
on its `__path__`, so `generation.records` loads the extension instead of `records.py`,
but only if every recorded hash still matches: an edited source makes the whole build
stale, and a stale build is never used (the pure-Python modules run instead, slower,
with the same output, and a warning says so). Every source counts, not just the compiled
ones, because mypyc may inline constants imported from other modules.

`python -X medgen-pure` ignores the build (tests compare both against each other).
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
BUILD_DIR = ROOT / ".build" / "native"
MANIFEST = BUILD_DIR / "sources.json"
PURE_OPTION = "medgen-pure"  # python -X medgen-pure

# Per-patient code: records and everything they call, and the file formats; and the
# plan, which every render worker builds before its first chunk. Not tables.py: mypyc
# cannot compile its Generic class (and it runs once per job anyway).
COMPILED = (
    "generation/records.py",
    "generation/detail.py",
    "generation/clinical.py",
    "generation/paperwork.py",
    "generation/people.py",
    "generation/grids.py",
    "generation/alias.py",
    "generation/injuries.py",
    "generation/journey.py",
    "generation/capacity.py",
    "generation/care_draws.py",
    "generation/physiology.py",
    "generation/fastops.py",
    "generation/clock.py",
    "generation/plan.py",
    "generation/writers/formats.py",
    "generation/writers/fhir.py",
    # The figures gathered as chunks render (summary.json) and the playback records.
    "generation/playback.py",
    "generation/figures/tally.py",
    "generation/summary.py",  # counts every record of every chunk
    "generation/fitting.py",  # the rank and age table, as tables compile
)


def prefer_compiled(package: str, path: list[str]) -> bool:
    """Put the package's compiled folder first on its `__path__` if the build is current."""
    if PURE_OPTION in sys._xoptions:
        return False
    folder = BUILD_DIR.joinpath(*package.split("."))
    if not folder.is_dir():
        return False
    if not build_is_current():
        _warn_stale()
        return False
    if str(folder) not in path:
        path.insert(0, str(folder))
    return True


def source_hashes() -> dict[str, str]:
    """SHA-256 of every engine source file, by path relative to the project root."""
    return {
        path.relative_to(ROOT).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
    }


def build_tag() -> str:
    """The interpreter a build is for: extensions load only into the same one."""
    return f"{sys.implementation.cache_tag}-{sys.platform}"


@cache
def build_is_current() -> bool:
    try:
        manifest: dict[str, object] = json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        return False
    return manifest.get("python") == build_tag() and manifest.get("sources") == source_hashes()


def describe() -> str:
    """Which engine this process runs, in one line for logs and reports."""
    if PURE_OPTION in sys._xoptions:
        reason = "python -X medgen-pure"
    elif not (BUILD_DIR / "generation").is_dir():
        reason = "no compiled build: run `make native`"
    elif not build_is_current():
        reason = "the compiled build is older than the sources: run `make native`"
    else:
        return f"compiled with mypyc ({len(COMPILED)} modules, .build/native)"
    return f"PURE PYTHON, about half the speed ({reason})"


def compiled_modules() -> list[str]:
    """Engine modules imported so far that are running compiled (for reports and tests)."""
    return sorted(
        name
        for name, module in sys.modules.items()
        if name.startswith("generation.")
        and str(getattr(module, "__file__", "") or "").endswith((".so", ".pyd"))
        and not name.endswith("__mypyc")
    )


@cache
def _warn_stale() -> None:
    warnings.warn(
        "the compiled engine in .build/native is older than the sources; running pure "
        "Python (same output, slower). `make native` rebuilds it.",
        RuntimeWarning,
        stacklevel=3,
    )
