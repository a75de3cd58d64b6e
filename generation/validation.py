"""Validation of a scenario document into a `Scenario`.

Validation collects every problem at once, each with the path of the offending value
(`fronts[1].nationalities.XYZ: unknown nation`), so a user fixes a file in one pass.
Shares are fractions summing to 1 or percentages summing to 100; anything else is an
error, never silently normalised.

Before any of that, `check_structure` walks the whole document once, without recursion,
and rejects what no scenario has and what would break a caller further on: nesting deeper
than `MAX_DEPTH`, NUL characters and lone surrogates (PostgreSQL cannot store them), text
longer than its cap, numbers too large to print, values that are not JSON. Every entry
point (form, paste, upload, import, command line, API) goes through `parse_scenario`, and
those that receive JSON text through `load_scenario_json`, so they all share these rules.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from generation import reference
from generation.capacity_validation import parse_capacity
from generation.climate import derived_climate
from generation.scenario import (
    CATEGORIES,
    CBRN_AGENTS,
    CLIMATES,
    DEFAULT_AREA_CENTRE,
    DEFAULT_AREA_RADIUS_KM,
    DEFAULT_AREA_STEP_EAST_KM,
    DEFAULT_CBRN_AGENT,
    DEFAULT_FRONTS,
    DEFAULT_INJURY_MIX,
    DEFAULT_START,
    HOLDING_ROLES,
    INTENSITIES,
    MAX_AREA_RADIUS_KM,
    MAX_DAYS,
    MAX_FRONTS,
    MAX_PATIENTS,
    PRECEDENCES,
    ROLES,
    SPECIAL_EVENT_TYPES,
    TEMPOS,
    TOP_LEVEL_KEYS,
    TRANSIT_LEGS,
    WARFARE_TYPES,
    Care,
    Front,
    Issue,
    Scenario,
    ScenarioError,
    SpecialEvent,
    Window,
)

# A scenario is at most five levels deep (care.transit.R1-R2.urgent[0]); twenty leaves
# room and stops a document of 50,000 brackets long before any parser recurses on it.
MAX_DEPTH = 20
# JSON text nested deeper than this is refused before parsing (Python's parser recurses
# once per level); up to it, the parsed document is refused by `check_structure`, which
# names the field the nesting is in.
MAX_PARSE_DEPTH = 500
# Caps on text, in characters. A title is shown in lists and file names; a front name is
# written into every patient record, so a long one multiplies the output size.
TEXT_LIMITS = {"name": 200, "title": 200, "description": 5000}
MAX_FRONT_NAME = 100
MAX_KEY = 100  # any object key
MAX_STRING = 1000  # any other text value
MAX_SPECIAL_EVENTS = 1000
# Integers beyond this many bits are no scenario value (the largest, a seed, has 63) and
# cost Python a quadratic conversion to print.
MAX_INT_BITS = 128
# How much of a value or key an error message quotes.
QUOTE = 60
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_FRONT_NAME = re.compile(r"fronts\[\d+\]\.name")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def parse_scenario(document: Mapping[str, Any]) -> Scenario:
    """Validate a scenario document; raise ScenarioError listing every problem."""
    issues = check_structure(document)
    if issues:
        raise ScenarioError(issues)
    return Validator(document).build()


def load_scenario_json(text: str | bytes) -> dict[str, Any]:
    """JSON text of a scenario as a dict; ScenarioError when it is not a JSON object.

    The nesting is measured before parsing, so no input makes the parser recurse deeply.
    NaN and Infinity are accepted here and rejected by `parse_scenario` with the field
    they are in, like any other wrong number.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioError([Issue("", "the file is not UTF-8 text")]) from None
    depth = json_depth(text)
    if depth > MAX_PARSE_DEPTH:
        raise ScenarioError(
            [Issue("", f"the JSON is nested {depth:,} levels deep; a scenario has at most 5")]
        )
    try:
        document = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ScenarioError([Issue("", f"this is not valid JSON: {error.msg} ({where})")]) from None
    except (ValueError, RecursionError) as error:  # an integer of over 4,300 digits
        reason = "a number has thousands of digits" if "digits" in str(error) else clip(str(error))
        raise ScenarioError([Issue("", f"this is not valid JSON: {reason}")]) from None
    if not isinstance(document, dict):
        raise ScenarioError([Issue("", "a scenario must be a JSON object: { ... }")])
    return document


class HugeNumber:
    """An integer in JSON text too long to convert (Python refuses beyond 4,300 digits)."""

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits"


def _parse_int(digits: str) -> int | HugeNumber:
    # Left as a marker, so check_structure reports it at its path instead of the parser
    # failing on the whole document.
    return int(digits) if len(digits) <= 100 else HugeNumber(len(digits.lstrip("-")))


_STRINGS_AND_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def json_depth(text: str) -> int:
    """The deepest bracket nesting in JSON text, ignoring brackets inside strings."""
    brackets = text.count("[") + text.count("{")
    if brackets <= MAX_DEPTH:
        return brackets  # it cannot be deeper than that: no scan (the usual case)
    depth = deepest = 0
    for match in _STRINGS_AND_BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def clip(text: str, limit: int = QUOTE) -> str:
    """`text` shortened for a message, with control characters made visible."""
    short = text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", short)


def show(value: Any) -> str:
    """A value quoted in a message: short, printable, never a huge number's digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a number of about {int(value.bit_length() * 0.30103):,} digits"
    if isinstance(value, str | int | float | bool) or value is None:
        return clip(repr(value), QUOTE + 2)
    if isinstance(value, Mapping):
        return "an object"
    return "a list" if isinstance(value, list) else type(value).__name__


def join_path(path: str, key: Any) -> str:
    shown = clip(str(key), 40)
    return f"{path}.{shown}" if path else shown


def check_structure(document: Any) -> list[Issue]:
    """Issues with the shape of the whole document, found without recursion."""
    issues: list[Issue] = []
    stack: list[tuple[str, Any, int]] = [("", document, 1)]
    while stack and len(issues) < 50:  # fifty messages are plenty to start fixing
        path, value, depth = stack.pop()
        if isinstance(value, Mapping | list) and depth > MAX_DEPTH:
            return [Issue(path, f"is nested more than {MAX_DEPTH} levels deep")]
        if isinstance(value, Mapping):
            for key, item in value.items():
                if not isinstance(key, str):
                    issues.append(Issue(path, f"has a key that is not text: {show(key)}"))
                    continue
                where = join_path(path, key)
                problem = text_problem(key, MAX_KEY, "key")
                if problem:
                    issues.append(Issue(where, problem))
                stack.append((where, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item, depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str):
            limit = MAX_FRONT_NAME if _FRONT_NAME.fullmatch(path) else MAX_STRING
            problem = text_problem(value, TEXT_LIMITS.get(path, limit), "text")
            if problem:
                issues.append(Issue(path, problem))
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if value.bit_length() > MAX_INT_BITS:
                issues.append(Issue(path, f"is far too large a number ({show(value)})"))
        elif isinstance(value, HugeNumber):
            issues.append(Issue(path, f"is far too large a number ({value!r})"))
        elif not isinstance(value, float):
            issues.append(Issue(path, f"must be a JSON value, got {show(value)}"))
    issues.sort(key=lambda issue: issue.path)
    return issues


def text_problem(text: str, limit: int, what: str) -> str | None:
    """Why `text` cannot be stored or shown, or None."""
    if "\x00" in text:
        return f"the {what} contains a NUL character (\\u0000), which is not allowed"
    if not text.isascii() and _SURROGATE.search(text):
        return f"the {what} contains an unpaired surrogate (\\ud800-\\udfff), not valid Unicode"
    if len(text) > limit:
        return f"the {what} is {len(text):,} characters long; at most {limit:,} are allowed"
    return None


def normalise_scenario(document: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical document of a scenario (every default filled in): what is stored,
    compared and exported. Raises ScenarioError listing every problem."""
    return parse_scenario(document).to_dict()


class Validator:
    """Walks a document once, recording every issue, then builds the Scenario."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.doc = document
        self.issues: list[Issue] = []

    def error(self, path: str, message: str) -> None:
        self.issues.append(Issue(clip(path, 200), clip(message, 300)))

    def build(self) -> Scenario:
        if not isinstance(self.doc, Mapping):
            raise ScenarioError([Issue("", "a scenario must be a JSON object")])
        for key in sorted(set(self.doc) - TOP_LEVEL_KEYS):
            self.error(key, "unknown key")
        total = self.integer("total_patients", 1, MAX_PATIENTS, required=True)
        days = self.integer("days", 1, MAX_DAYS, default=8)
        scenario = self._assemble(total, days)
        if self.issues:
            raise ScenarioError(self.issues)
        assert scenario is not None
        return scenario

    def _assemble(self, total: int | None, days: int | None) -> Scenario | None:
        start = self.start()
        seed = self.integer("seed", 0, 2**63 - 1, default=None)
        warfare = self.warfare()
        intensity = self.choice("intensity", INTENSITIES, "medium")
        tempo = self.choice("tempo", TEMPOS, "sustained")
        events = self.special_events(days, total)
        environment = self.environment()
        fronts = self.fronts()
        injury_mix = self.shares("injury_mix", self.doc.get("injury_mix", DEFAULT_INJURY_MIX))
        if injury_mix is not None:
            self.exact_keys("injury_mix", injury_mix, CATEGORIES)
        female_share = self.demographics()
        care = self.care()
        kia, mascal_kia = self.outcomes()
        clinical_detail = self.flag("clinical_detail", True)
        capacity = parse_capacity(self, self.doc.get("capacity"))
        cbrn_agent = self.choice("cbrn_agent", CBRN_AGENTS, DEFAULT_CBRN_AGENT)
        climate = self.climate(fronts, environment)
        names = {key: self.text(key) for key in ("name", "title", "description")}
        if self.issues or None in (total, days, start, warfare, fronts, injury_mix, care):
            return None
        # The ignores below: mypy does not narrow through the `None in (...)` test above.
        return Scenario(
            total_patients=total,  # type: ignore[arg-type]
            days=days,  # type: ignore[arg-type]
            start=start,  # type: ignore[arg-type]
            seed=seed,
            warfare=warfare,  # type: ignore[arg-type]
            intensity=intensity,
            tempo=tempo,
            special_events=events,
            environment=environment,
            fronts=fronts,  # type: ignore[arg-type]
            injury_mix=tuple((c, injury_mix[c]) for c in CATEGORIES),  # type: ignore[index]
            female_share=female_share,
            care=care,  # type: ignore[arg-type]
            kia_probability=kia,
            mascal_kia_probability=mascal_kia,
            clinical_detail=clinical_detail,
            capacity=capacity,
            cbrn_agent=cbrn_agent,
            climate=climate,
            **names,
        )

    # -- scalar helpers -------------------------------------------------------------

    def integer(
        self,
        path: str,
        low: int,
        high: int,
        *,
        required: bool = False,
        default: int | None = None,
        value: Any = ...,
    ) -> int | None:
        if value is ...:
            if path not in self.doc or self.doc[path] is None:
                if required:
                    self.error(path, "is required")
                return default
            value = self.doc[path]
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                self.error(path, f"must be a whole number, got {show(value)}")
                return default
        if not low <= value <= high:
            self.error(path, f"must be between {low:,} and {high:,}, got {show(value)}")
            return default
        return int(value)

    def number(self, path: str, value: Any, low: float, high: float) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(path, f"must be a number, got {show(value)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.error(path, f"must be a finite number, got {value!r}")
            return None
        if not low <= value <= high:
            self.error(path, f"must be between {low:g} and {high:g}, got {show(value)}")
            return None
        return float(value)

    def choice(self, path: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.doc.get(path, default)
        if value not in allowed:
            self.error(path, f"must be one of {', '.join(allowed)}; got {show(value)}")
            return default
        return str(value)

    def flag(self, path: str, default: bool) -> bool:
        value = self.doc.get(path, default)
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, got {show(value)}")
            return default
        return value

    def text(self, path: str) -> str:
        value = self.doc.get(path, "")
        if not isinstance(value, str):
            self.error(path, "must be text")
            return ""
        return value

    def start(self) -> datetime | None:
        raw = self.doc.get("start", DEFAULT_START)
        try:
            start = datetime.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            start = None
        if start is None:
            self.error("start", f"must be an ISO 8601 date and time, got {show(raw)}")
        elif start.tzinfo is None:
            self.error("start", "needs a time zone offset, e.g. 2026-03-02T06:00:00+01:00")
            return None
        return start

    # -- shares ---------------------------------------------------------------------

    def shares(self, path: str, raw: Any) -> dict[str, float] | None:
        """Fractions summing to 1 or percentages summing to 100, as fractions."""
        if not isinstance(raw, Mapping) or not raw:
            self.error(path, "must be a non-empty object of name -> share")
            return None
        values: dict[str, float] = {}
        for key, value in raw.items():
            number = self.number(f"{path}.{key}", value, 0, 100)
            if number is not None:
                values[str(key)] = number
        if len(values) != len(raw):
            return None
        return self.share_sum(path, values)

    def share_sum(self, path: str, values: dict[str, float]) -> dict[str, float] | None:
        total = sum(values.values())
        if math.isclose(total, 1.0, abs_tol=1e-6):
            return values
        if math.isclose(total, 100.0, abs_tol=1e-4):
            return {key: value / 100 for key, value in values.items()}
        self.error(path, f"shares sum to {total:g}, expected 1 (or 100 as percentages)")
        return None

    def exact_keys(self, path: str, values: Mapping[str, float], allowed: tuple[str, ...]) -> None:
        for key in values:
            if key not in allowed:
                self.error(f"{path}.{key}", f"unknown; expected one of {', '.join(allowed)}")

    # -- sections -------------------------------------------------------------------

    def warfare(self) -> tuple[tuple[str, float], ...] | None:
        raw = self.doc.get("warfare", {"conventional": 1})
        if not isinstance(raw, Mapping) or not raw:
            self.error("warfare", "must be a non-empty object of warfare type -> weight")
            return None
        weights: list[tuple[str, float]] = []
        for key, value in raw.items():
            if key not in WARFARE_TYPES:
                self.error(
                    f"warfare.{key}", f"unknown warfare type; use {', '.join(WARFARE_TYPES)}"
                )
                continue
            weight = self.number(f"warfare.{key}", value, 0, 1e6)
            if weight:
                weights.append((key, weight))
        if not weights and not self.issues:
            self.error("warfare", "at least one warfare type needs a weight above 0")
        # Canonical order: a document's key order (which a JSONB round trip changes) must
        # not change the scenario, its cache key or the patients.
        weights.sort(key=lambda item: WARFARE_TYPES.index(item[0]))
        total = sum(w for _, w in weights)
        return tuple((k, w / total) for k, w in weights) if weights else None

    def special_events(self, days: int | None, total: int | None) -> tuple[SpecialEvent, ...]:
        raw = self.doc.get("special_events", [])
        if not isinstance(raw, list):
            self.error("special_events", "must be a list")
            return ()
        if len(raw) > MAX_SPECIAL_EVENTS:
            self.error("special_events", f"at most {MAX_SPECIAL_EVENTS:,}, got {len(raw):,}")
            return ()
        events = [self.special_event(f"special_events[{i}]", e, days) for i, e in enumerate(raw)]
        valid = tuple(e for e in events if e is not None)
        smallest = sum(e.size[0] for e in valid)
        if total is not None and smallest > total:
            self.error(
                "special_events",
                f"their minimum sizes add up to {smallest:,}, more than total_patients ({total:,})",
            )
        return valid

    def special_event(self, path: str, raw: Any, days: int | None) -> SpecialEvent | None:
        if not isinstance(raw, Mapping):
            self.error(path, "must be an object with type, day and size")
            return None
        for key in sorted(set(raw) - {"type", "day", "size"}):
            self.error(f"{path}.{key}", "unknown key")
        kind = raw.get("type")
        if kind not in SPECIAL_EVENT_TYPES:
            self.error(f"{path}.type", f"must be one of {', '.join(SPECIAL_EVENT_TYPES)}")
        day = raw.get("day")
        if day is not None:
            day = self.integer(f"{path}.day", 1, days or MAX_DAYS, value=day)
        size = self.size_range(f"{path}.size", raw.get("size", [10, 30]))
        if kind not in SPECIAL_EVENT_TYPES or size is None:
            return None
        return SpecialEvent(type=kind, day=day, size=size)

    def size_range(self, path: str, raw: Any) -> tuple[int, int] | None:
        if not (isinstance(raw, list) and len(raw) == 2):
            self.error(path, "must be [min, max]")
            return None
        low = self.integer(f"{path}[0]", 1, MAX_PATIENTS, value=raw[0])
        high = self.integer(f"{path}[1]", 1, MAX_PATIENTS, value=raw[1])
        if low is None or high is None:
            return None
        if low > high:
            self.error(path, f"min {low} is larger than max {high}")
            return None
        return (low, high)

    def environment(self) -> tuple[str, ...]:
        raw = self.doc.get("environment", [])
        known = reference.environment_conditions()
        if not isinstance(raw, list):
            self.error("environment", "must be a list of conditions")
            return ()
        for i, item in enumerate(raw):
            if item not in known:
                self.error(
                    f"environment[{i}]", f"unknown condition {show(item)}; use {', '.join(known)}"
                )
        return tuple(dict.fromkeys(item for item in raw if item in known))

    def fronts(self) -> tuple[Front, ...] | None:
        raw = self.doc.get("fronts", DEFAULT_FRONTS)
        if not isinstance(raw, list) or not raw:
            self.error("fronts", "must be a non-empty list of fronts")
            return None
        if len(raw) > MAX_FRONTS:
            self.error("fronts", f"at most {MAX_FRONTS} fronts, got {len(raw)}")
            return None
        fronts = [self.front(f"fronts[{i}]", item) for i, item in enumerate(raw)]
        names = [f.name for f in fronts if f is not None]
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.error("fronts", f"front name {name!r} is used twice")
        valid = [f for f in fronts if f is not None]
        if len(valid) < len(fronts):
            return None
        shares = self.share_sum("fronts", {f.name: f.share for f in valid})
        if shares is None:
            return None
        return tuple(Front(f.name, shares[f.name], f.nationalities, f.area) for f in valid)

    def front(self, path: str, raw: Any) -> Front | None:
        if not isinstance(raw, Mapping):
            self.error(path, "must be an object with name, share and nationalities")
            return None
        for key in sorted(set(raw) - {"name", "share", "nationalities", "area"}):
            self.error(f"{path}.{key}", "unknown key")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            self.error(f"{path}.name", "is required")
        share = self.number(f"{path}.share", raw.get("share"), 0, 100)
        nations = self.nationalities(f"{path}.nationalities", raw.get("nationalities"))
        index = int(path[path.index("[") + 1 : -1]) if "[" in path else 0
        area = self.area(f"{path}.area", raw.get("area"), index)
        if not isinstance(name, str) or not name.strip() or share is None or nations is None:
            return None
        if area is None:
            return None
        return Front(name.strip(), share, nations, area)

    def area(self, path: str, raw: Any, index: int) -> tuple[float, float, float] | None:
        """A front's area; absent, the default one (the n-th front further east)."""
        if raw is None:
            centre_latitude, centre_longitude = DEFAULT_AREA_CENTRE
            step = 111.32 * math.cos(math.radians(centre_latitude))  # km per degree east
            east = index * DEFAULT_AREA_STEP_EAST_KM / step
            return (centre_latitude, round(centre_longitude + east, 4), DEFAULT_AREA_RADIUS_KM)
        if not isinstance(raw, Mapping):
            self.error(path, "must be an object with latitude, longitude and radius_km")
            return None
        for key in sorted(set(raw) - {"latitude", "longitude", "radius_km"}):
            self.error(f"{path}.{key}", "unknown key")
        for key in ("latitude", "longitude", "radius_km"):
            if key not in raw:
                self.error(f"{path}.{key}", "is required")
        # MGRS covers 80 S to 84 N; the disc must stay inside that band.
        latitude = self.number(f"{path}.latitude", raw.get("latitude", 0), -78, 82)
        longitude = self.number(f"{path}.longitude", raw.get("longitude", 0), -180, 180)
        radius = self.number(f"{path}.radius_km", raw.get("radius_km", 1), 0.1, MAX_AREA_RADIUS_KM)
        if latitude is None or longitude is None or radius is None:
            return None
        if any(key not in raw for key in ("latitude", "longitude", "radius_km")):
            return None
        return (float(latitude), float(longitude), float(radius))

    def nationalities(self, path: str, raw: Any) -> tuple[tuple[str, float], ...] | None:
        known = reference.nation_codes()
        if isinstance(raw, Mapping):
            for code in raw:
                if code not in known:
                    self.error(
                        f"{path}.{code}", "unknown nation (use ISO 3166-1 alpha-3 of a NATO member)"
                    )
        shares = self.shares(path, raw)
        if shares is None or any(code not in known for code in shares):
            return None
        # Sorted by code: key order in the document must not matter (see warfare()).
        return tuple((code, share) for code, share in sorted(shares.items()) if share > 0)

    def climate(self, fronts: tuple[Front, ...] | None, environment: tuple[str, ...]) -> str:
        """The theatre's climate: given, or derived from the fronts' latitudes and the
        environment (a hot or cold environment decides)."""
        if "climate" in self.doc:
            return self.choice("climate", CLIMATES, "temperate")
        if not fronts:
            return "temperate"
        return derived_climate([f.area[0] for f in fronts], environment)

    def demographics(self) -> float:
        raw = self.doc.get("demographics", {})
        if not isinstance(raw, Mapping):
            self.error("demographics", "must be an object")
            return float(reference.people()["female_share"])
        for key in sorted(set(raw) - {"female_share"}):
            self.error(f"demographics.{key}", "unknown key")
        value = raw.get("female_share", reference.people()["female_share"])
        share = self.number("demographics.female_share", value, 0, 1)
        return reference.people()["female_share"] if share is None else share

    def outcomes(self) -> tuple[float, float]:
        defaults = reference.care()["kia"]
        raw = self.doc.get("outcomes", {})
        if not isinstance(raw, Mapping):
            self.error("outcomes", "must be an object")
            raw = {}
        for key in sorted(set(raw) - {"kia_probability", "mascal_kia_probability"}):
            self.error(f"outcomes.{key}", "unknown key")
        kia = self.number(
            "outcomes.kia_probability", raw.get("kia_probability", defaults["probability"]), 0, 0.9
        )
        mascal = self.number(
            "outcomes.mascal_kia_probability",
            raw.get("mascal_kia_probability", defaults["mascal_probability"]),
            0,
            0.9,
        )
        return (kia or 0.0, mascal or 0.0)

    def care(self) -> Care | None:
        defaults = reference.care()
        raw = self.doc.get("care", {})
        if not isinstance(raw, Mapping):
            self.error("care", "must be an object")
            return None
        for key in sorted(set(raw) - {"roles", "transit", "holding"}):
            self.error(f"care.{key}", "unknown key")
        roles = self.roles(raw.get("roles", list(ROLES)))
        transit = self.windows(
            "care.transit", raw.get("transit", {}), defaults["transit"], TRANSIT_LEGS
        )
        holding = self.windows(
            "care.holding", raw.get("holding", {}), defaults["holding"], HOLDING_ROLES
        )
        if roles is None or transit is None or holding is None:
            return None
        return Care(roles=roles, transit=transit, holding=holding)

    def roles(self, raw: Any) -> tuple[str, ...] | None:
        if not isinstance(raw, list) or any(role not in ROLES for role in raw):
            self.error("care.roles", f"must be a list drawn from {', '.join(ROLES)}")
            return None
        if not set(raw) & {"R1", "R2", "R3"}:
            self.error("care.roles", "needs at least one of R1, R2, R3 in theatre")
            return None
        return tuple(role for role in ROLES if role in raw)

    def windows(
        self, path: str, raw: Any, defaults: Mapping[str, Any], keys: tuple[str, ...]
    ) -> tuple[tuple[str, tuple[tuple[str, Window], ...]], ...] | None:
        if not isinstance(raw, Mapping):
            self.error(path, "must be an object")
            return None
        for key in sorted(set(raw) - set(keys)):
            self.error(f"{path}.{key}", f"unknown; expected one of {', '.join(keys)}")
        result = []
        for key in keys:
            override = raw.get(key, {})
            if not isinstance(override, Mapping):
                self.error(f"{path}.{key}", "must be an object of precedence -> window")
                continue
            result.append((key, self.precedence_windows(f"{path}.{key}", override, defaults[key])))
        return tuple(result) if len(result) == len(keys) else None

    def precedence_windows(
        self, path: str, override: Mapping[str, Any], defaults: Mapping[str, Any]
    ) -> tuple[tuple[str, Window], ...]:
        for key in sorted(set(override) - set(PRECEDENCES)):
            self.error(f"{path}.{key}", f"unknown precedence; use {', '.join(PRECEDENCES)}")
        windows = []
        for precedence in PRECEDENCES:
            raw = override.get(precedence, defaults[precedence])
            window = self.window(f"{path}.{precedence}", raw)
            windows.append((precedence, window or tuple(defaults[precedence])))
        return tuple(windows)

    def window(self, path: str, raw: Any) -> Window | None:
        """[min, max] or [min, mode, max] minutes."""
        ok = isinstance(raw, list) and len(raw) in (2, 3)
        limit = 60 * 24 * 60
        numbers = (
            [self.number(f"{path}[{i}]", v, 0, limit) for i, v in enumerate(raw)] if ok else []
        )
        checked = [n for n in numbers if n is not None]
        if not ok or len(checked) < len(numbers):
            if not ok:
                self.error(path, "must be [min, max] or [min, mode, max] in minutes")
            return None
        if len(checked) == 2:
            checked = [checked[0], (checked[0] + checked[1]) / 2, checked[1]]
        low, mode, high = checked
        if not low <= mode <= high:
            self.error(path, "must satisfy min <= mode <= max")
            return None
        return (low, mode, high)
