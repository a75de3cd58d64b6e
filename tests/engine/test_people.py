"""Names and ranks: large, frequency-weighted names with each language's feminine forms;
ranks from the exposure-weighted battalion pyramid, ages that fit the rank."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from functools import cache

import pytest

import generation
from generation import people, reference
from generation.presets import load_preset, preset_names
from generation.tables import Tables, compile_tables

SIZE = 20_000
# Nations that still miss the target when 20,000 casualties are all of one nation:
# docs/scenarios.md ("Names"). Albania and Slovenia lack a longer public family-name list;
# Hungary's and Luxembourg's name frequencies concentrate on few names. Strict: a
# nation that comes under 8 % fails here until it is taken off the list. Measured share
# at seed 20 in brackets.
STILL_REPEATING = {
    "ALB": "160 family names, the longest public list found (0.12)",
    "HUN": "register frequencies: László 6.5 % of men, Nagy 2.4 % of people (0.19)",
    "LUX": "de_LU frequencies, 72 % of the mix: Jean 7.4 % of men, Schmit 2.4 % (0.13)",
    "SVN": "440 family names, the longest public lists found (0.11)",
}


@cache
def persons(preset: str) -> list[tuple[str, people.Person]]:
    """20,000 people of a preset's nations in its front and nation shares."""
    document = load_preset(preset)
    document["total_patients"] = SIZE
    tables = compile_tables(generation.parse_scenario(document))
    rng = random.Random(20)
    fronts = [f.share for f in tables.scenario.fronts]
    result = []
    for _ in range(SIZE):
        front = rng.choices(range(len(fronts)), fronts)[0]
        nation, female = people.nation_and_sex(rng, tables, front)
        result.append((nation.code, people.person(rng, tables, nation, date(2026, 5, 4), female)))
    return result


def shared_name_shares(preset: str) -> dict[str, float]:
    by_nation: dict[str, Counter[tuple[str, str]]] = {}
    for code, person in persons(preset):
        name = person[0]
        by_nation.setdefault(code, Counter())[(name["given"], name["family"])] += 1
    return {
        code: sum(n for n in names.values() if n > 1) / sum(names.values())
        for code, names in by_nation.items()
    }


def _shared_share(people_of_nation: list[people.Person]) -> float:
    names = Counter((p[0]["given"], p[0]["family"]) for p in people_of_nation)
    return sum(n for n in names.values() if n > 1) / sum(names.values())


@pytest.mark.parametrize("preset", preset_names())
def test_few_casualties_of_a_nation_share_a_full_name(preset: str) -> None:
    # Every nation of every preset, in the preset's own mix at 20,000: no exemptions.
    shares = shared_name_shares(preset)
    for code, share in shares.items():
        assert share < 0.08, (code, share)


@pytest.mark.parametrize(
    "nation",
    [
        pytest.param(
            code,
            marks=pytest.mark.xfail(
                reason=STILL_REPEATING[code], raises=AssertionError, strict=True
            ),
        )
        if code in STILL_REPEATING
        else code
        for code in sorted(reference.nation_codes())
    ],
)
def test_20000_casualties_of_one_nation_rarely_share_a_full_name(nation: str) -> None:
    # The battalion exercise at 20,000 with every front of this one nation: the issue's
    # target (fewer than 8 % share their full name) for each of the 32 nations.
    document = load_preset("battalion-exercise")
    document["total_patients"] = SIZE
    for front in document["fronts"]:
        front["nationalities"] = {nation: 1}
    tables = compile_tables(generation.parse_scenario(document))
    rng = random.Random(20)
    of_nation = tables.nations[nation]
    women = tables.scenario.female_share
    drawn = [
        people.person(rng, tables, of_nation, date(2026, 5, 4), rng.random() < women)
        for _ in range(SIZE)
    ]
    assert _shared_share(drawn) < 0.08


def test_the_battalion_exercise_names_repeat_rarely() -> None:
    # The measure: 91 % of Polish casualties shared a full name at 20,000.
    assert shared_name_shares("battalion-exercise")["POL"] < 0.02


def _tables(nation: str) -> Tables:
    fronts = [{"name": "Main", "share": 1, "nationalities": {nation: 1}}]
    return compile_tables(
        generation.parse_scenario(
            {"total_patients": 100, "fronts": fronts, "demographics": {"female_share": 0.5}}
        )
    )


@pytest.mark.parametrize(
    ("nation", "endings"),
    [
        ("POL", ("ska", "cka")),
        ("CZE", ("ová", "á")),
        ("SVK", ("ová", "á")),
        ("LTU", ("ienė", "aitė", "ytė", "utė", "iūtė")),
        ("LVA", ("a", "e")),
        ("ISL", ("dóttir",)),
        ("GRC", ("ou", "i", "a")),
        ("BGR", ("ova", "eva", "ina", "ska")),
    ],
)
def test_women_carry_the_feminine_form_of_their_family_name(
    nation: str, endings: tuple[str, ...]
) -> None:
    tables = _tables(nation)
    rng = random.Random(3)
    women = [
        p[0]["family"]
        for p in (
            people.person(rng, tables, tables.nations[nation], date(2026, 5, 4), female)
            for female in (rng.random() < tables.scenario.female_share for _ in range(2000))
        )
        if p[1] == "female"
    ]
    feminine = sum(name.endswith(endings) for name in women) / len(women)
    # Most Polish family names (Nowak, Wójcik) have one form for both sexes.
    assert feminine > (0.1 if nation == "POL" else 0.5), (nation, feminine)
    masculine = {"POL": ("ski", "cki"), "CZE": ("ský",), "SVK": ("ský",), "ISL": ("son",)}
    assert not any(name.endswith(masculine.get(nation, ("\0",))) for name in women)


def test_lithuanian_women_carry_the_married_or_the_unmarried_form_of_the_surname() -> None:
    forms: dict[str, set[str]] = {}
    for male, female, _ in reference.names("LTU")["family"]:
        forms.setdefault(male, set()).add(female)
    assert forms["Kazlauskas"] == {"Kazlauskienė", "Kazlauskaitė"}
    assert forms["Stankevičius"] == {"Stankevičienė", "Stankevičiūtė"}
    assert forms["Butkus"] == {"Butkienė", "Butkutė"}
    assert forms["Kairys"] == {"Kairienė", "Kairytė"}
    assert forms["Jonaitis"] == {"Jonaitienė", "Jonaitytė"}
    for male, female in ((m, f) for m, fs in forms.items() for f in fs):
        married = female.endswith("ienė")
        assert married or female.endswith(("aitė", "ytė", "utė", "iūtė")), (male, female)
        assert "iienė" not in female and not female.endswith(("as", "is", "ys", "us")), female
    # Every surname has both forms, so wives and daughters both occur.
    assert all(len(fs) == 2 for fs in forms.values())


def test_latvian_surnames_take_the_feminine_ending_of_their_declension() -> None:
    forms = {male: female for male, female, _ in reference.names("LVA")["family"]}
    expected = {
        "Bērziņš": "Bērziņa", "Ozols": "Ozola", "Balodis": "Balode", "Jansons": "Jansone",
        "Ivanovs": "Ivanova", "Mūrnieks": "Mūrniece", "Kozlovskis": "Kozlovska",
        "Šmits": "Šmite", "Liepa": "Liepa", "Priede": "Priede",
    }  # fmt: skip
    assert {m: forms[m] for m in expected} == expected
    assert not [f for f in forms.values() if f.endswith(("s", "š"))]


def test_names_are_weighted_by_frequency() -> None:
    usa = reference.names("USA")
    weights = dict((name, w) for name, w in usa["given"]["male"])
    assert weights["James"] > 20 * min(weights.values())


def test_ranks_follow_the_battalion_pyramid_and_ages_fit_them() -> None:
    ranks: Counter[str] = Counter()
    youngest: dict[str, int] = {}
    for _, person in persons("battalion-exercise"):
        rank, age = person[6], person[3]
        ranks[rank] += 1
        youngest[rank] = min(age, youngest.get(rank, 99))
    officers = sum(n for rank, n in ranks.items() if rank.startswith("OF")) / SIZE
    assert 0.08 <= officers <= 0.10  # 91 % of casualties enlisted (CALIBRATION.md I7)
    assert not {"OF-5", "OF-6", "OF-7", "OF-8", "OF-9", "OF-10"} & set(ranks)  # no generals
    spec = reference.people()["ranks"]
    for rank, r in {**spec["enlisted"], **spec["officer"]}.items():
        assert youngest[rank] >= r["min_age"], rank
    assert youngest["OF-3"] >= 30  # no 22-year-old majors
    assert ranks["OR-3"] > ranks["OR-7"] > ranks["OR-9"] and ranks["OF-1"] > ranks["OF-4"]


def test_the_alias_table_draws_with_the_given_weights_and_survives_pickling() -> None:
    import pickle

    from generation.alias import alias_of

    weights = [5.0, 1.0, 0.0001, 3.0, 1.0]
    table = pickle.loads(pickle.dumps(alias_of(weights)))
    rng = random.Random(4)
    counts = Counter(table.draw(rng.random) for _ in range(100_000))
    for index, weight in enumerate(weights):
        expected = 100_000 * weight / sum(weights)
        assert abs(counts[index] - expected) < 4 * expected**0.5 + 3, index
