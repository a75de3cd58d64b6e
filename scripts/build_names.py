# ruff: noqa: RUF001, RUF003  (Greek and Cyrillic letters are the point of the romanisation tables)
"""Build generation/data/names/<NATION>.json from Faker's locale name data, once.

Run by hand when the source changes (`.venv/bin/python scripts/build_names.py`); the engine
only reads the JSON files it writes and never imports Faker (a dev dependency, pinned in
requirements-dev.txt, used by this script alone).

Sources: Faker's `faker/providers/person/<locale>` tables (MIT licence; the version is
written into every file). Where Faker gives frequencies (an OrderedDict of name -> weight,
e.g. en_US from the US census, fi_FI, sv_SE, hu_HU, nl_BE) they are kept; a plain tuple
gets equal weights. The names already hand-listed in generation/data/nations.json (the
commonest names of each nation) are merged in, each with the weight of the commonest Faker
name, since they head the national frequency lists.

Where those lists are too short for a large exercise (Faker's are the top 70-400 names of
a nation), scripts/name_sources.json adds the longer name lists of other public data sets
(FakerPHP, faker-cxx, @faker-js/faker, the Latvian and Slovenian offices' top lists, the
given names of Jörg Michael's name dictionary; each entry names its source and commit).
Faker's weighted list stays the head of the distribution with `HEAD` of the mass; the
rest is spread evenly over every listed name, since a top list leaves much of a
population to rarer names (see docs/scenarios.md, "Names").

Family names are written as (masculine form, feminine form, weight) so one draw gives the
right form for either sex: Polish -ski/-ska, Czech and Slovak -ová/-á, Lithuanian married
-ienė and unmarried -aitė/-ytė/-utė/-iūtė (each surname twice, split by `LT_MARRIED`),
Latvian -s/-a, -is/-e, -sons/-sone, Greek and Bulgarian/Macedonian feminine forms from
Faker's own lists, and Icelandic patronymics (the father's given name in the genitive +
-son/-dóttir).
"""

from __future__ import annotations

import importlib
import json
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import faker
import mimesis

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "generation" / "data" / "names"

# Nation -> Faker locales (their names are pooled). CAN pools English and Québécois names.
LOCALES: dict[str, tuple[str, ...]] = {
    "BEL": ("nl_BE", "fr_BE"),
    "BGR": ("bg_BG",),
    "CAN": ("en_US", "fr_CA"),
    "CZE": ("cs_CZ",),
    "DEU": ("de_DE",),
    "DNK": ("da_DK",),
    "ESP": ("es_ES",),
    "EST": ("et_EE",),
    "FIN": ("fi_FI",),
    "FRA": ("fr_FR",),
    "GBR": ("en_GB",),
    "GRC": ("el_GR",),
    "HRV": ("hr_HR",),
    "HUN": ("hu_HU",),
    "ISL": ("is_IS",),
    "ITA": ("it_IT",),
    "LTU": ("lt_LT",),
    "LUX": ("de_LU", "pt_PT", "fr_FR"),
    "LVA": ("lv_LV",),
    "MKD": ("mk_MK",),
    "NLD": ("nl_NL",),
    "NOR": ("no_NO",),
    "POL": ("pl_PL",),
    "PRT": ("pt_PT",),
    "ROU": ("ro_RO",),
    "SVK": ("sk_SK",),
    "SVN": ("sl_SI",),
    "SWE": ("sv_SE",),
    "TUR": ("tr_TR",),
    "USA": ("en_US",),
}

# Nations whose pooled locales stand for parts of the population: each locale's names keep
# its share of the mass instead of adding raw weights. Luxembourg's army recruits
# Luxembourgers and EU residents; the shares are the residents' nationalities on
# 1 January 2024 (STATEC: Luxembourgers 52.7 %, Portuguese 13.5 %, French 7.3 %),
# rescaled over these three.
LOCALE_SHARES: dict[str, dict[str, float]] = {
    "LUX": {"de_LU": 0.717, "pt_PT": 0.184, "fr_FR": 0.099},
}

# Nation -> Mimesis locale: its longer, unweighted lists add a tail of rarer names.
MIMESIS: dict[str, str] = {
    "BEL": "nl-be", "CAN": "en-ca", "CZE": "cs", "DEU": "de", "DNK": "da", "ESP": "es",
    "EST": "et", "FIN": "fi", "FRA": "fr", "GBR": "en-gb", "GRC": "el", "HRV": "hr",
    "HUN": "hu", "ISL": "is", "ITA": "it", "NLD": "nl", "NOR": "no", "POL": "pl",
    "PRT": "pt", "SVK": "sk", "SWE": "sv", "TUR": "tr",
}  # fmt: skip
TAIL = 0.25  # a Mimesis-only name's weight, relative to the rarest name of the main list

# Share of casualties whose record carries a second given name (a middle name), and of
# a second family name. Second family names are the Spanish and Portuguese custom (both
# surnames are part of the legal name). The second-given-name shares are estimates of how
# often official records list more than one given name (near-universal middle names in
# the USA, two or three given names usual in Finland and Sweden, Polish and German second
# names common, rare in Czechia, Slovakia, Greece and the Balkans): a modelling choice,
# not a published statistic; docs/scenarios.md says so.
SECOND_GIVEN = {
    "ALB": 0.0, "BEL": 0.5, "BGR": 0.0, "CAN": 0.8, "CZE": 0.05, "DEU": 0.5, "DNK": 0.6,
    "ESP": 0.3, "EST": 0.3, "FIN": 0.9, "FRA": 0.5, "GBR": 0.8, "GRC": 0.05, "HRV": 0.05,
    "HUN": 0.3, "ISL": 0.4, "ITA": 0.2, "LTU": 0.1, "LUX": 0.5, "LVA": 0.2, "MKD": 0.0,
    "MNE": 0.0, "NLD": 0.6, "NOR": 0.5, "POL": 0.5, "PRT": 0.7, "ROU": 0.3, "SVK": 0.05,
    "SVN": 0.05, "SWE": 0.8, "TUR": 0.4, "USA": 0.9,
}  # fmt: skip
SECOND_FAMILY = {"ESP": 1.0, "PRT": 0.9}

# Nations whose Faker/Mimesis lists are extended by scripts/name_sources.json, and the
# share of the mass a weighted head keeps; the rest goes evenly to every name of the
# pooled list. Estimate: Nagy, the commonest Hungarian family name, is borne by about
# 2.4 % of Hungarians but holds 5.8 % of the weight of Faker's top-100 register list, so
# that list covers about 40 % of the population.
EXTRA = ROOT / "scripts" / "name_sources.json"
HEAD = 0.4
# Nations whose Faker lists carry register frequencies (hu_HU): blended as above. The
# others' lists are unweighted: a name's weight there is the number of lists that name
# it (the commonest names are in every list, rare ones in one), an estimate of frequency.
WEIGHTED_HEAD = frozenset({"HUN"})
# Share of people bearing a given name that only a list of mostly rare names holds
# (an estimate: a nation's few hundred commonest given names cover most of its people).
RARE_GIVEN = 0.4
# Share of Lithuanian women of service age carrying the married form (-ienė) rather than
# the unmarried one (-aitė, -ytė, -utė, -iūtė): an estimate (about half of women aged
# 20-45 are married); the neutral -ė form allowed since 2003 is rare and left out.
LT_MARRIED = 0.5

Weighted = list[tuple[str, float]]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    hand = json.loads((ROOT / "generation" / "data" / "nations.json").read_text("utf-8"))
    for nation in sorted(hand):
        document = build(nation, hand[nation])
        path = OUT / f"{nation}.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=0) + "\n", "utf-8")
        print(
            f"{nation}: {len(document['given']['male'])} male and "
            f"{len(document['given']['female'])} female given names, "
            f"{len(document['family'])} family names"
        )


def build(nation: str, hand: dict[str, Any]) -> dict[str, Any]:
    locales = LOCALES.get(nation, ())
    providers = [
        importlib.import_module(f"faker.providers.person.{loc}").Provider for loc in locales
    ]
    male: Weighted = []
    female: Weighted = []
    family: list[tuple[str, str, float]] = []
    shares = LOCALE_SHARES.get(nation, {})
    for locale, provider in zip(locales, providers, strict=True):
        m, f = _given(provider, nation)
        fam = _family(provider, nation)
        if locale in shares:
            m, f = _share(m, shares[locale]), _share(f, shares[locale])
            total = sum(w for *_, w in fam)
            fam = [(a, b, w * shares[locale] / total) for a, b, w in fam]
        male += m
        female += f
        family += fam
    tail = _mimesis(nation)
    male = _merge(male, hand["given_names"]["male"], tail[0])
    female = _merge(female, hand["given_names"]["female"], tail[1])
    hand_family = list(
        zip(hand["family_names"]["male"], hand["family_names"]["female"], strict=True)
    )
    family = _merge_family(family, hand_family, tail[2])
    extra = _extra(nation)
    if extra is not None and nation in WEIGHTED_HEAD:
        male = _blend(male, [n for entry in extra[0] for n in entry])
        female = _blend(female, [n for entry in extra[1] for n in entry])
        family = _blend_family(family, [p for entry in extra[2] for p in entry])
    elif extra is not None:
        male = _count_sources(male, extra[0], extra[4])
        female = _count_sources(female, extra[1], extra[4])
        family = _count_family_sources(family, extra[2])
    if nation == "LTU":
        family = _lithuanian_split(family)
    source = (
        f"Faker {faker.VERSION} person providers {', '.join(locales)} (MIT licence)"
        if locales
        else "the hand list of generation/data/nations.json (no Faker locale for this nation)"
    )
    if nation in MIMESIS:
        source += (
            f"; tail of rarer names from Mimesis {mimesis.__version__} "
            f"locale {MIMESIS[nation]} (MIT licence)"
        )
    if locales:
        source += "; merged with the hand list of generation/data/nations.json"
    if extra is not None:
        source += "; extended by " + "; ".join(extra[3]) + f" (head share {HEAD})"
    return {
        "_source": source,
        "second_given_share": SECOND_GIVEN[nation],
        "second_family_share": SECOND_FAMILY.get(nation, 0.0),
        "given": {"male": _rounded(male), "female": _rounded(female)},
        "family": [[m, f, round(w, 6)] for m, f, w in family],
    }


# -- given names ----------------------------------------------------------------------


def _given(provider: Any, nation: str) -> tuple[Weighted, Weighted]:
    if nation == "LTU":  # lt_LT lists given names of both sexes together
        names = _weighted(provider.first_names)
        return (
            [(n, w) for n, w in names if not n.endswith(("a", "ė"))],
            [(n, w) for n, w in names if n.endswith(("a", "ė"))],
        )
    if nation == "EST":  # et_EE: the Estonian names, not the Russian-minority lists
        return _weighted(provider.first_names_male_est), _weighted(provider.first_names_female_est)
    male = [(_latin(n, nation), w) for n, w in _weighted(provider.first_names_male)]
    female = [(_latin(n, nation), w) for n, w in _weighted(provider.first_names_female)]
    return male, female


def _share(names: Weighted, share: float) -> Weighted:
    """The names rescaled to hold `share` of the mass between them."""
    total = sum(w for _, w in names)
    return [(n, w * share / total) for n, w in names]


def _weighted(names: Any) -> Weighted:
    if isinstance(names, OrderedDict | dict):
        return [(str(n), float(w)) for n, w in names.items()]
    return [(str(n), 1.0) for n in names]


def _mimesis(nation: str) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(male given, female given, (masculine, feminine) family names) of the Mimesis locale."""
    if nation not in MIMESIS:
        return [], [], []
    path = Path(mimesis.__file__).parent / "datasets" / MIMESIS[nation] / "person.json"
    data = json.loads(path.read_text("utf-8"))
    names = data.get("names", {"male": [], "female": []})
    surnames = data["surnames"]
    male_family = surnames["male"] if isinstance(surnames, dict) else surnames
    if nation in ("CZE", "SVK"):  # the list mixes in feminine forms: keep the masculine ones
        male_family = [n for n in male_family if not n.endswith(("ová", "á"))]
    if nation == "ISL":
        pairs = [(n, n[: -len("son")] + "dóttir") for n in male_family if n.endswith("son")]
    elif nation == "POL":
        pairs = [(n, _polish_feminine(n)) for n in male_family]
    else:
        rule = _FEMININE.get(nation, _same)
        pairs = [(_latin(n, nation), _latin(rule(n), nation)) for n in male_family]
    return (
        [_latin(n, nation) for n in names["male"]],
        [_latin(n, nation) for n in names["female"]],
        pairs,
    )


def _merge(names: Weighted, hand: Iterable[str], tail: Iterable[str] = ()) -> Weighted:
    """Pool duplicates (weights add); hand-listed names Faker lacks get the median weight,
    tail names it lacks `TAIL` times the smallest."""
    pooled: dict[str, float] = {}
    for name, weight in names:
        if _plausible(name):
            pooled[name] = pooled.get(name, 0.0) + weight
    middle = _median(list(pooled.values()))
    low = min(pooled.values(), default=1.0) * TAIL
    for name in hand:
        pooled.setdefault(name, middle)
    for name in tail:
        if _plausible(name):
            pooled.setdefault(name, low)
    total = sum(pooled.values())
    return sorted(((n, w / total) for n, w in pooled.items()), key=lambda p: (-p[1], p[0]))


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2] if values else 1.0


def _plausible(name: str) -> bool:
    return bool(name) and name[0].isupper() and not any(ch.isdigit() for ch in name)


def _rounded(names: Weighted) -> list[list[Any]]:
    return [[n, round(w, 8)] for n, w in names]


Lists = list[list[str]]


def _extra(
    nation: str,
) -> tuple[Lists, Lists, list[list[tuple[str, str]]], list[str], list[bool]] | None:
    """(male given, female given, (masculine, feminine) family names, source) of each of
    the nation's lists in scripts/name_sources.json, in the Latin script of the records."""
    entries = json.loads(EXTRA.read_text("utf-8")).get(nation)
    if not entries:
        return None
    rule = _FEMININE.get(nation, _same)
    male = [[_latin(n, nation) for n in entry["given_male"]] for entry in entries]
    female = [[_latin(n, nation) for n in entry["given_female"]] for entry in entries]
    rare = [entry["rare_given"] for entry in entries]
    pairs = [
        [(_latin(m, nation), _latin(f, nation)) for m, f in entry["family_pairs"]]
        + [(_latin(n, nation), _latin(rule(n), nation)) for n in entry["family"]]
        for entry in entries
    ]
    return male, female, pairs, [entry["source"] for entry in entries], rare


def _count_sources(head: Weighted, lists: Lists, rare: list[bool]) -> Weighted:
    """Weight = how many lists name it (the head, already pooled, counts as one). Names
    only a list of mostly rare names holds (a name-meaning site's or an encyclopaedia's
    list of every name, `rare_given` in name_sources.json) share `RARE_GIVEN` of the
    mass between them: most people bear one of the commoner names."""
    counts = dict.fromkeys((n for n, _ in head), 1.0)
    for names in (names for names, is_rare in zip(lists, rare, strict=True) if not is_rare):
        for name in dict.fromkeys(names):
            if _plausible(name):
                counts[name] = counts.get(name, 0.0) + 1.0
    rare_only = {
        name
        for names, is_rare in zip(lists, rare, strict=True)
        if is_rare
        for name in names
        if _plausible(name) and name not in counts
    }
    common = sum(counts.values())
    total = common / (1.0 - RARE_GIVEN) if rare_only else common
    weights = [(n, c / total) for n, c in counts.items()]
    weights += [(n, RARE_GIVEN / len(rare_only)) for n in rare_only]
    return sorted(weights, key=lambda p: (-p[1], p[0]))


def _count_family_sources(
    head: list[tuple[str, str, float]], lists: list[list[tuple[str, str]]]
) -> list[tuple[str, str, float]]:
    """As `_count_sources`, keyed by the masculine form; a listed pair's feminine form
    wins over one the rule derived (the lists pair the forms the registers record)."""
    pooled = {m: (f, 1.0) for m, f, _ in head}
    for pairs in lists:
        for male, female in dict(pairs).items():
            if _plausible(male):
                weight = pooled[male][1] if male in pooled else 0.0
                pooled[male] = (female, weight + 1.0)
    total = sum(w for _, w in pooled.values())
    return sorted(((m, f, w / total) for m, (f, w) in pooled.items()), key=lambda p: (-p[2], p[0]))


def _blend(head: Weighted, names: Iterable[str]) -> Weighted:
    """`HEAD` of the mass as the weighted head had it, the rest evenly over the union."""
    pooled = dict(head)
    for name in names:
        if _plausible(name):
            pooled.setdefault(name, 0.0)
    flat = (1.0 - HEAD) / len(pooled)
    blended = [(n, HEAD * w + flat) for n, w in pooled.items()]
    return sorted(blended, key=lambda p: (-p[1], p[0]))


def _blend_family(
    head: list[tuple[str, str, float]], pairs: Iterable[tuple[str, str]]
) -> list[tuple[str, str, float]]:
    """As `_blend`, keyed by the masculine form; a listed pair's feminine form wins over
    one the rule derived (the lists pair the forms the registers record)."""
    pooled = {m: (f, w) for m, f, w in head}
    for male, female in pairs:
        if _plausible(male):
            weight = pooled[male][1] if male in pooled else 0.0
            pooled[male] = (female, weight)
    flat = (1.0 - HEAD) / len(pooled)
    blended = [(m, f, HEAD * w + flat) for m, (f, w) in pooled.items()]
    return sorted(blended, key=lambda p: (-p[2], p[0]))


def _lithuanian_split(family: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """Each surname twice: with the married feminine form (-ienė) and with the unmarried
    one, weights split by `LT_MARRIED`; a man draws the same masculine form either way."""
    split = []
    for male, _, weight in family:
        split.append((male, _lithuanian_married(male), weight * LT_MARRIED))
        split.append((male, _lithuanian_unmarried(male), weight * (1.0 - LT_MARRIED)))
    return sorted(split, key=lambda p: (-p[2], p[0], p[1]))


# -- family names ---------------------------------------------------------------------


def _family(provider: Any, nation: str) -> list[tuple[str, str, float]]:
    if nation == "ISL":
        stems = provider.last_names_without_suffix
        return [(s + "son", s + "dóttir", 1.0) for s in dict.fromkeys(stems)]
    if nation == "POL":
        # male_last_names is Faker's list of the 200 commonest Polish family names (about
        # half of them -ski/-cki); the long unisex list holds rarer ones. Without counts,
        # a common name is given ten times the weight of a rare one (an estimate).
        names = [(n, 10.0) for n in provider.male_last_names]
        names += _weighted(provider.unisex_last_names)
        return [(n, _polish_feminine(n), w) for n, w in names]
    if nation in ("GRC", "BGR", "MKD", "LVA"):
        return _paired(provider, nation)
    feminine = _FEMININE.get(nation, _same)
    if nation == "EST":
        names = _weighted(provider.last_names_est)
    elif nation in ("CZE", "SVK"):
        names = _weighted(provider.last_names_male)
    else:
        names = _weighted(provider.last_names)
    return [(n, feminine(n), w) for n, w in names]


def _paired(provider: Any, nation: str) -> list[tuple[str, str, float]]:
    """Faker lists the masculine and feminine forms separately, not index by index: the
    feminine form of each masculine name comes from the language's rule (applied in the
    original script), then both are transliterated to the Latin script the records use."""
    rule = _FEMININE[nation]
    return [
        (_latin(name, nation), _latin(rule(name), nation), weight)
        for name, weight in _weighted(provider.last_names_male)
    ]


def _same(name: str) -> str:
    return name


def _polish_feminine(name: str) -> str:
    for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if name.endswith(male):
            return name[: -len(male)] + female
    return name


def _czech_feminine(name: str) -> str:
    """Novák -> Nováková, Svoboda -> Svobodová, Novotný -> Novotná, Hájek -> Hájková,
    Němec -> Němcová, Krejčí -> Krejčí (indeclinable)."""
    if name.endswith(("ý", "ì")):
        return name[:-1] + "á"
    if name.endswith(("í", "ů")):
        return name
    if name.endswith("ek"):
        return name[:-2] + "ková"
    if name.endswith("ec"):
        return name[:-2] + "cová"
    if name.endswith(("a", "e", "ě", "o")):
        return name[:-1] + "ová"
    return name + "ová"


def _lithuanian_married(name: str) -> str:
    """A wife's form: the ending gives way to -ienė. Kazlauskas -> Kazlauskienė,
    Stankevičius -> Stankevičienė, Butkus -> Butkienė, Kairys -> Kairienė,
    Jonaitis -> Jonaitienė, Kateiva -> Kateivienė, Mockė -> Mockienė."""
    for ending in ("ius", "as", "is", "ys", "us", "a", "ė"):
        if name.endswith(ending):
            return name[: -len(ending)] + "ienė"
    return name


def _lithuanian_unmarried(name: str) -> str:
    """A daughter's form: -as/-a -> -aitė (Kazlauskas -> Kazlauskaitė), -is/-ys/-ė -> -ytė
    (Jonaitis -> Jonaitytė, Kairys -> Kairytė), -ius -> -iūtė (Stankevičius ->
    Stankevičiūtė), -us -> -utė (Butkus -> Butkutė)."""
    for ending, daughter in (
        ("ius", "iūtė"), ("as", "aitė"), ("is", "ytė"), ("ys", "ytė"), ("us", "utė"),
        ("a", "aitė"), ("ė", "ytė"),
    ):  # fmt: skip
        if name.endswith(ending):
            return name[: -len(ending)] + daughter
    return name


def _latvian_feminine(name: str) -> str:
    """Bērziņš -> Bērziņa, Ozols -> Ozola, Kalējs -> Kalēja, Balodis -> Balode,
    Jansons -> Jansone, Mūrnieks -> Mūrniece, Ivanovs -> Ivanova, Kozlovskis -> Kozlovska,
    Millers -> Millere; -e and -a names (Priede, Liepa) serve both sexes. Borrowed names
    whose feminine form is lexical (Šmits -> Šmite) come paired from the PMLP list."""
    for male, female in (
        ("sons", "sone"), ("nieks", "niece"), ("skis", "ska"), ("ckis", "cka"),
        ("ers", "ere"), ("is", "e"), ("š", "a"), ("us", "a"), ("s", "a"),
    ):  # fmt: skip
        if name.endswith(male):
            return name[: -len(male)] + female
    return name


def _greek_feminine(name: str) -> str:
    """Papadopoulos -> Papadopoulou, Avramidis -> Avramidou, Papadakis -> Papadaki,
    -as -> -a (Greek script, before transliteration)."""
    for male, female in (
        ("ίδης", "ίδου"), ("άδης", "άδου"), ("ος", "ου"), ("ός", "ού"), ("ης", "η"),
        ("ής", "ή"), ("ας", "α"), ("άς", "ά"),
    ):  # fmt: skip
        if name.endswith(male):
            return name[: -len(male)] + female
    return name


def _slavic_feminine(name: str) -> str:
    """Bulgarian and Macedonian: Petrov -> Petrova, Nikolovski -> Nikolovska (Cyrillic too)."""
    for male, female in (("ски", "ска"), ("ов", "ова"), ("ев", "ева"), ("ин", "ина")):
        if name.endswith(male):
            return name[: -len(male)] + female
    return name


_FEMININE: dict[str, Callable[[str], str]] = {
    "CZE": _czech_feminine,
    "SVK": _czech_feminine,
    "LTU": _lithuanian_married,
    "LVA": _latvian_feminine,
    "GRC": _greek_feminine,
    "BGR": _slavic_feminine,
    "MKD": _slavic_feminine,
}


# Romanisation: Bulgarian by the Streamlined System (the official one since 2009),
# Macedonian by its official romanisation, Greek by ELOT 743 (simplified: accents
# dropped, ου -> ou, αι/ει/οι kept letter by letter, μπ -> b at the start of a name).
_BULGARIAN = dict(
    zip(
        "абвгдежзийклмнопрстуфхцчшщъьюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "h",
            "ts",
            "ch",
            "sh",
            "sht",
            "a",
            "y",
            "yu",
            "ya",
        ],
        strict=True,
    )
)
_MACEDONIAN = dict(
    zip(
        "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "gj",
            "e",
            "ž",
            "z",
            "dz",
            "i",
            "j",
            "k",
            "l",
            "lj",
            "m",
            "n",
            "nj",
            "o",
            "p",
            "r",
            "s",
            "t",
            "kj",
            "u",
            "f",
            "h",
            "c",
            "č",
            "dž",
            "š",
        ],
        strict=True,
    )
)
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        [
            "a",
            "v",
            "g",
            "d",
            "e",
            "z",
            "i",
            "th",
            "i",
            "k",
            "l",
            "m",
            "n",
            "x",
            "o",
            "p",
            "r",
            "s",
            "s",
            "t",
            "y",
            "f",
            "ch",
            "ps",
            "o",
        ],
        strict=True,
    )
)


def _latin(name: str, nation: str) -> str:
    if _script(name) == "LATIN":
        return name
    lower = (
        "".join(
            ch for ch in unicodedata.normalize("NFD", name.lower()) if not unicodedata.combining(ch)
        )
        if nation == "GRC"
        else name.lower()
    )
    if nation == "GRC":
        lower = lower.replace("ου", "ou").replace("γγ", "ng").replace("γκ", "gk")
        if lower.startswith("μπ"):
            lower = "b" + lower[2:]
        if lower.startswith("ντ"):
            lower = "d" + lower[2:]
    table = {"BGR": _BULGARIAN, "MKD": _MACEDONIAN, "GRC": _GREEK}[nation]
    latin = "".join(table.get(ch, ch) for ch in lower)
    return latin[:1].upper() + latin[1:]


def _merge_family(
    names: list[tuple[str, str, float]],
    hand: list[tuple[str, str]],
    tail: list[tuple[str, str]],
) -> list[tuple[str, str, float]]:
    pooled: dict[str, tuple[str, float]] = {}
    for male, female, weight in names:
        if not _plausible(male):
            continue
        previous = pooled.get(male)
        pooled[male] = (female, weight + (previous[1] if previous else 0.0))
    middle = _median([w for _, w in pooled.values()])
    low = min((w for _, w in pooled.values()), default=1.0) * TAIL
    for male, female in hand:
        if male not in pooled:
            pooled[male] = (female, middle)
    for male, female in tail:
        if _plausible(male) and male not in pooled:
            pooled[male] = (female, low)
    total = sum(w for _, w in pooled.values())
    return sorted(((m, f, w / total) for m, (f, w) in pooled.items()), key=lambda p: (-p[2], p[0]))


def _script(name: str) -> str:
    """The script of a name's first letter, so Cyrillic/Greek Faker lists are not mixed
    into the Latin transliterations the hand lists (and the records) use."""
    letter = next((ch for ch in name if ch.isalpha()), "A")
    return unicodedata.name(letter, "LATIN").split()[0]


if __name__ == "__main__":
    main()
