"""Which seed a run uses: given > the scenario's own > derived from its content."""

from __future__ import annotations

import hashlib
import json

from generation.scenario import Scenario


def resolve_seed(scenario: Scenario, seed: int | None = None) -> int:
    """Never the clock: an unseeded scenario always gets the same seed from its content."""
    if seed is not None:
        return seed
    if scenario.seed is not None:
        return scenario.seed
    content = json.dumps(scenario.to_dict(), sort_keys=True).encode()
    return int.from_bytes(hashlib.sha256(content).digest()[:6], "big")
