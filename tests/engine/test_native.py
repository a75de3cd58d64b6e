"""The compiled engine (mypyc, `make native`): used when current, never when stale, and
writing exactly the bytes the pure-Python engine writes."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import generation
from generation import native

built = pytest.mark.skipif(
    not native.BUILD_DIR.is_dir(), reason="no compiled engine: `make native` builds it"
)


def _hashes(formats: tuple[str, ...] = ("json", "csv", "ndjson", "fhir")) -> dict[str, str]:
    """SHA-256 of every file of a small run of every preset."""
    result = {}
    for name in generation.preset_names():
        document = generation.load_preset(name) | {"total_patients": 300}
        scenario = generation.parse_scenario(document)
        files: dict[str, bytes] = {}

        def sink(filename: str, files: dict[str, bytes] = files) -> io.BytesIO:
            buffer = io.BytesIO()
            buffer.close = lambda: files.__setitem__(filename, buffer.getvalue())  # type: ignore[method-assign]
            return buffer

        generation.generate(scenario, seed=11, sink=sink, formats=formats, chunk_size=128)
        for filename, data in files.items():
            result[f"{name}/{filename}"] = hashlib.sha256(data).hexdigest()
    return result


@built
def test_a_current_build_is_what_runs() -> None:
    assert native.build_is_current(), "the compiled engine is stale: run `make native`"
    expected = sorted(p.removesuffix(".py").replace("/", ".") for p in native.COMPILED)
    assert native.compiled_modules() == expected


@built
def test_compiled_and_pure_python_engines_write_the_same_bytes() -> None:
    assert native.compiled_modules(), "this process should be running the compiled engine"
    code = (
        "import json, sys\n"
        "sys.path.insert(0, 'tests/engine')\n"
        "import generation.native as n\n"
        "from test_native import _hashes\n"
        "assert not n.compiled_modules(), n.compiled_modules()\n"
        "print(json.dumps(_hashes()))\n"
    )
    pure = subprocess.run(
        [sys.executable, "-X", native.PURE_OPTION, "-c", code],
        cwd=native.ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    assert json.loads(pure.stdout) == _hashes()


def test_a_stale_build_is_ignored_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "generation"
    folder.mkdir()
    manifest = tmp_path / "sources.json"
    sources = native.source_hashes()
    stale = sources | {"generation/records.py": "0" * 64}
    monkeypatch.setattr(native, "BUILD_DIR", tmp_path)
    monkeypatch.setattr(native, "MANIFEST", manifest)

    manifest.write_text(json.dumps({"python": native.build_tag(), "sources": stale}))
    native.build_is_current.cache_clear()
    native._warn_stale.cache_clear()
    path = ["/src/generation"]
    with pytest.warns(RuntimeWarning, match="older than the sources"):
        assert not native.prefer_compiled("generation", path)
    assert path == ["/src/generation"]

    manifest.write_text(json.dumps({"python": native.build_tag(), "sources": sources}))
    native.build_is_current.cache_clear()
    assert native.prefer_compiled("generation", path)
    assert path == [str(folder), "/src/generation"]
    native.build_is_current.cache_clear()


def test_a_build_for_another_interpreter_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "generation").mkdir()
    manifest = tmp_path / "sources.json"
    manifest.write_text(
        json.dumps({"python": "cpython-39-linux", "sources": native.source_hashes()})
    )
    monkeypatch.setattr(native, "BUILD_DIR", tmp_path)
    monkeypatch.setattr(native, "MANIFEST", manifest)
    native.build_is_current.cache_clear()
    try:
        assert not native.build_is_current()
    finally:
        native.build_is_current.cache_clear()
