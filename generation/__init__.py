"""MedGen's generation engine: scenario in, synthetic exercise casualties out.

Plain Python: no Django, no settings, no environment, no wall clock, no global random.
Same scenario and seed give byte-identical files. See docs/engine-api.md.
"""

from generation import native
from generation.version import __version__

native.prefer_compiled(__name__, __path__)  # before any compiled module is imported

from generation import reference, vocabulary
from generation.plan import Plan, make_plan
from generation.presets import load_preset, preset_catalog, preset_names
from generation.records import generate_chunk
from generation.runner import Cancelled, Progress, Result, generate
from generation.scenario import Issue, Scenario, ScenarioError
from generation.seeds import resolve_seed
from generation.tables import Tables, compile_tables
from generation.validation import normalise_scenario, parse_scenario
from generation.writers import CARDS, FORMATS, OutputFile

__all__ = [
    "CARDS",
    "FORMATS",
    "Cancelled",
    "Issue",
    "OutputFile",
    "Plan",
    "Progress",
    "Result",
    "Scenario",
    "ScenarioError",
    "Tables",
    "__version__",
    "compile_tables",
    "generate",
    "generate_chunk",
    "load_preset",
    "make_plan",
    "normalise_scenario",
    "parse_scenario",
    "preset_catalog",
    "preset_names",
    "reference",
    "resolve_seed",
    "vocabulary",
]
