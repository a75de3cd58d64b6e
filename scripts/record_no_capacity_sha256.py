"""Record tests/engine/data/no_capacity_sha256.json: the SHA-256 of every file a small
run of every preset writes without a `capacity` section (300 patients, seed 11, every
format, chunks of 128, with and without clinical detail).

Run it on the engine the capacity work must not change (e.g. a checkout of main):
    PYTHONPATH=<checkout> python -X medgen-pure scripts/record_no_capacity_sha256.py > \\
        tests/engine/data/no_capacity_sha256.json
tests/engine/test_capacity.py then checks this engine writes the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json

import generation

# Presets written for capacity (they exist only with it): nothing of theirs to compare.
CAPACITY_ONLY_PRESETS = {"role2-overwhelmed"}


def hashes() -> dict[str, str]:
    result = {}
    for name in sorted(set(generation.preset_names()) - CAPACITY_ONLY_PRESETS):
        for detail in (True, False):
            document = generation.load_preset(name) | {
                "total_patients": 300,
                "clinical_detail": detail,
            }
            document.pop("capacity", None)
            scenario = generation.parse_scenario(document)
            files: dict[str, bytes] = {}

            def sink(filename: str, files: dict[str, bytes] = files) -> io.BytesIO:
                buffer = io.BytesIO()
                buffer.close = lambda: files.__setitem__(filename, buffer.getvalue())  # type: ignore[method-assign]
                return buffer

            formats = ("json", "csv", "ndjson", "fhir")
            generation.generate(  # figures off: summary.json came after the recorded engine
                scenario, seed=11, sink=sink, formats=formats, chunk_size=128, figures=False
            )
            for filename, data in files.items():
                key = f"{name}/{'detail' if detail else 'plain'}/{filename}"
                result[key] = hashlib.sha256(data).hexdigest()
    return result


if __name__ == "__main__":
    print(json.dumps(hashes(), indent=1, sort_keys=True))
