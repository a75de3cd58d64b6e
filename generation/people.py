"""The person behind a casualty: name, sex, age, birth date, blood group, ids, rank, unit."""

from __future__ import annotations

import random
import re
from datetime import date
from functools import cache

from generation.fastops import pick, zero_padded
from generation.tables import Nation, Tables

_ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O, Q: they read as digits


# name, sex, birth date (ISO), age, blood group, service number, rank
Person = tuple[dict[str, str], str, str, int, str, str, str]


def nation_and_sex(rng: random.Random, tables: Tables, front: int) -> tuple[Nation, bool]:
    """The first draws of a casualty's main stream: its nation on `front`, then whether
    it is a woman. The capacity pass draws these too (sex decides sex-specific diseases)
    without the rest of the record, so both take them from here."""
    r = rng.random
    nation = tables.nations[pick(tables.front_nations[front], r)]
    return nation, r() < tables.scenario.female_share


def person(
    rng: random.Random, tables: Tables, nation: Nation, injury_day: date, female: bool
) -> Person:
    """Demographic fields for one casualty of `nation` injured on `injury_day`; its sex
    comes from `nation_and_sex`."""
    r = rng.random
    sex = 1 if female else 0
    rank = pick(tables.ranks, r)  # the exposure-weighted pyramid, then an age fitting it
    age = pick(tables.ages_by_rank[rank], r)
    names, weights = nation.given[sex], nation.given_weights[sex]
    given = names[weights.draw(r)]
    # No draw at all where a nation never has a second name (most have no second family
    # name): a draw that cannot change anything only costs time.
    if nation.second_given > 0.0 and r() < nation.second_given:
        second = names[weights.draw(r)]
        if second != given:
            given = given + " " + second
    forms = nation.family[sex]
    family = forms[nation.family_weights.draw(r)]
    if nation.second_family > 0.0 and r() < nation.second_family:
        second = forms[nation.family_weights.draw(r)]
        if second != family:
            family = family + " " + second
    name = {"given": given, "family": family}
    born = birth_date(rng, injury_day, age)
    blood_group = pick(nation.blood_groups, r)
    number = service_number(rng, _template(nation.service_number))
    return name, "female" if female else "male", born, age, blood_group, number, rank


def birth_date(rng: random.Random, on: date, age: int) -> str:
    """A birth date (ISO) that makes the person exactly `age` years old on `on`."""
    latest, span = _birth_window(on, age)
    return _iso_date(latest - int(rng.random() * span))


_ISO_DATES: dict[int, str] = {}


def _iso_date(ordinal: int) -> str:
    """The ISO text of a day, remembered: building a date to write it costs more than
    looking it up, and a scenario's birth dates span a few ten thousand days."""
    text = _ISO_DATES.get(ordinal)
    if text is None:
        text = date.fromordinal(ordinal).isoformat()
        if len(_ISO_DATES) < 200_000:  # bounded across scenarios in a long-lived process
            _ISO_DATES[ordinal] = text
    return text


@cache
def _birth_window(on: date, age: int) -> tuple[int, int]:
    """(ordinal of the latest birth date, days between the earliest and the latest)."""
    try:
        latest = on.replace(year=on.year - age)
    except ValueError:  # 29 February in a non-leap year
        latest = on.replace(year=on.year - age, day=28)
    try:
        earliest = on.replace(year=on.year - age - 1)
    except ValueError:
        earliest = on.replace(year=on.year - age - 1, day=28)
    return latest.toordinal(), (latest - earliest).days


def service_number(rng: random.Random, parts: tuple[tuple[str, int, int], ...]) -> str:
    """Fill a compiled national template (see `_template`)."""
    r = rng.random
    out = []
    for kind, length, scale in parts:
        if kind == "#":
            out.append(zero_padded(int(r() * scale), length))
        elif kind == "@":
            out.append("".join([_LETTERS[int(r() * 23)] for _ in range(length)]))
        else:
            out.append(kind)
    return "".join(out)


@cache
def _template(template: str) -> tuple[tuple[str, int, int], ...]:
    """'@@-####' -> (('@', 2, 0), ('-', 0, 0), ('#', 4, 10_000)): '#' digit (with the scale
    of a run of them), '@' letter, else literal."""
    runs = re.findall(r"#+|@+|[^#@]+", template)
    return tuple(
        (run[0], len(run), 10 ** len(run) if run[0] == "#" else 0)
        if run[0] in "#@"
        else (run, 0, 0)
        for run in runs
    )


def unit(rng: random.Random, tables: Tables, front: int, nation: str, naval: bool) -> str:
    """One of a few units per (front, nation): casualties of a sector share units."""
    branches = tables.naval_unit_branches if naval else tables.unit_branches
    return _units(tables.front_names[front], nation, branches)[int(rng.random() * 4)]


@cache
def _units(front: str, nation: str, branches: tuple[str, ...]) -> tuple[str, ...]:
    # Seeded by names only, so a front's units are the same in every chunk and run.
    rng = random.Random(f"units:{front}:{nation}:{'/'.join(branches)}")
    return tuple(
        f"{ordinal(rng.randint(1, 4))} Battalion, {ordinal(rng.randint(1, 40))} "
        f"{rng.choice(branches)} Brigade ({nation})"
        for _ in range(4)
    )


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else _ORDINAL_SUFFIX.get(number % 10, "th")
    return f"{number}{suffix}"
