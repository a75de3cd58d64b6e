"""`make native`: compile the engine's hot modules with mypyc into .build/native/.

Nothing is built when the recorded source hashes still match (see generation/native.py
for how the build is picked up and when it is ignored). mypyc type-checks what it
compiles with the project's strict mypy settings, so a type error stops the build.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Importing the engine with a stale build warns; rebuilding it is what this script is for.
warnings.filterwarnings("ignore", "the compiled engine", RuntimeWarning)

from generation import native  # noqa: E402  (needs the project root on the path)


def main() -> int:
    if native.build_is_current():
        print("native: compiled engine is up to date")
        return 0
    started = time.perf_counter()
    os.chdir(ROOT)  # mypyc names modules by their paths from here
    sources = native.source_hashes()
    shutil.rmtree(native.BUILD_DIR, ignore_errors=True)
    log = io.StringIO()
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            _compile()
    except (Exception, SystemExit) as error:
        print(log.getvalue())
        print(error)
        print("native: mypyc build failed (see above); the engine still runs as pure Python")
        shutil.rmtree(native.BUILD_DIR, ignore_errors=True)
        return 1
    if native.source_hashes() != sources:
        print("native: sources changed during the build; run `make native` again")
        return 1
    # Written last: a build cut short has no manifest, so it is never used.
    manifest = {"python": native.build_tag(), "sources": sources}
    native.MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n")
    took = time.perf_counter() - started
    print(f"native: compiled {len(native.COMPILED)} engine modules in {took:.0f} s")
    return 0


def _compile() -> None:
    from mypyc.build import mypycify
    from setuptools import setup

    extensions = mypycify(
        list(native.COMPILED),
        opt_level="3",
        group_name="generation.compiled",  # shared runtime: generation/compiled__mypyc
        target_dir=str(ROOT / ".build" / "c"),  # generated C, kept out of the sources
    )
    build = ["build_ext", "--build-lib", str(native.BUILD_DIR)]
    setup(
        name="medgen-native",
        ext_modules=extensions,
        packages=[],  # extensions only: no package discovery in the project root
        py_modules=[],
        script_args=[*build, "--build-temp", str(ROOT / ".build" / "tmp")],
    )


if __name__ == "__main__":
    raise SystemExit(main())
