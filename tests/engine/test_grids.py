"""9-line grids: valid MGRS inside each front's area, checked with an independent
decoder (PyGeodesy), and front areas validated with errors that name the field."""

from __future__ import annotations

import math
import random
from functools import cache
from typing import Any

import pytest
from pygeodesy.ellipsoidalVincenty import LatLon
from pygeodesy.mgrs import parseMGRS

import generation
from generation import grids
from generation.presets import load_preset, preset_names
from tests.engine.conftest import records_for, scenario

EARTH_RADIUS_KM = grids.EARTH_RADIUS_KM


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


PRESET_SIZE = 1_200  # every grid is decoded (about a millisecond each): keep it bounded


@cache
def preset_run(name: str) -> tuple[generation.Scenario, list[dict[str, Any]]]:
    document = load_preset(name)
    document["total_patients"] = min(document["total_patients"], PRESET_SIZE)
    sc = generation.parse_scenario(document)
    return sc, records_for(sc, seed=15)


@pytest.mark.parametrize("name", preset_names())
def test_every_nine_line_grid_decodes_inside_its_fronts_area(name: str) -> None:
    sc, records = preset_run(name)
    areas = {f.name: f.area for f in sc.fronts}
    checked = 0
    for r in records:
        latitude, longitude, radius = areas[r["front"]]
        for request in r["medevac_requests"]:
            grid = request["1_location"]
            decoded = parseMGRS(grid).toLatLon(LatLon)  # raises on letters invalid for the zone
            # The reference names the south-west corner of its 1 m square: allow 2 m.
            off = distance_km(latitude, longitude, decoded.lat, decoded.lon)
            assert off <= radius + 0.002, (r["id"], grid, off)
            # Round trip: the position PyGeodesy decoded encodes back to the same 1 m
            # square (the encoder itself is checked against PyGeodesy worldwide below).
            again = grids.mgrs(decoded.lat, decoded.lon).split()
            zone, square, east, north = grid.split()
            assert again[:2] == [zone, square], (grid, again)
            assert abs(int(again[2]) - int(east)) <= 1 and abs(int(again[3]) - int(north)) <= 1
            checked += 1
    assert checked > 0


def test_casualties_spread_over_the_area() -> None:
    sc, records = preset_run("battalion-exercise")
    north = next(f for f in sc.fronts if f.name == "North").area
    offsets = [
        distance_km(north[0], north[1], *_latlon(q["1_location"]))
        for r in records
        if r["front"] == "North"
        for q in r["medevac_requests"]
    ]
    # Evenly over a disc: half the points lie beyond 1/sqrt(2) of the radius.
    beyond = sum(o > north[2] / math.sqrt(2) for o in offsets) / len(offsets)
    assert 0.4 < beyond < 0.6


def _latlon(grid: str) -> tuple[float, float]:
    point = parseMGRS(grid).toLatLon(LatLon)
    return point.lat, point.lon


def test_the_engines_mgrs_matches_pygeodesy_worldwide() -> None:
    rng = random.Random(2)
    for _ in range(2000):
        latitude, longitude = rng.uniform(-79.99, 83.99), rng.uniform(-180, 179.999)
        ours = grids.mgrs(latitude, longitude).replace(" ", "")
        theirs = str(LatLon(latitude, longitude).toMgrs()).replace(" ", "").lstrip("0")
        assert ours == theirs, (latitude, longitude)


def test_the_norway_and_svalbard_zone_exceptions() -> None:
    assert grids.mgrs(60.0, 5.0).startswith("32V")
    assert grids.mgrs(78.0, 15.0).startswith("33X")


def test_fronts_without_an_area_get_distinct_default_areas() -> None:
    sc = scenario()
    first, second = (f.area for f in sc.fronts)
    assert first != second and first[2] == second[2] == 15.0
    normalised = sc.to_dict()["fronts"][0]["area"]
    assert normalised == {"latitude": first[0], "longitude": first[1], "radius_km": first[2]}


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ({"latitude": 95, "longitude": 10, "radius_km": 5}, "fronts[0].area.latitude"),
        ({"latitude": 50, "longitude": 200, "radius_km": 5}, "fronts[0].area.longitude"),
        ({"latitude": 50, "longitude": 10, "radius_km": 0}, "fronts[0].area.radius_km"),
        ({"latitude": 50, "longitude": 10}, "fronts[0].area.radius_km: is required"),
        ({"latitude": 50, "longitude": 10, "radius_km": 5, "x": 1}, "fronts[0].area.x"),
        ("Baltic", "fronts[0].area: must be an object"),
    ],
)
def test_a_bad_area_is_rejected_naming_the_field(area: Any, message: str) -> None:
    fronts = [{"name": "North", "share": 1, "nationalities": {"POL": 1}, "area": area}]
    with pytest.raises(generation.ScenarioError) as caught:
        scenario(fronts=fronts)
    assert message in str(caught.value)


def test_an_area_across_a_zone_and_band_boundary_gives_each_point_its_own_zone() -> None:
    # 24 E divides zones 34 and 35; 56 N divides bands U and V.
    area = (56.0, 24.0, 40.0)
    pickup = grids.Pickup(area)
    assert not pickup.plane
    rng = random.Random(3)
    seen = set()
    for _ in range(400):
        grid = pickup.grid(rng)
        seen.add(grid.split()[0])
        point = parseMGRS(grid).toLatLon(LatLon)
        assert distance_km(area[0], area[1], point.lat, point.lon) <= area[2] + 0.002
        assert grids.mgrs(point.lat, point.lon).split()[:2] == grid.split()[:2]
    assert seen == {"34U", "35U", "34V", "35V"}


def test_an_area_inside_one_zone_is_drawn_in_the_plane_and_stays_inside() -> None:
    area = (59.2, 26.9, 25.0)
    pickup = grids.Pickup(area)
    assert pickup.plane
    rng = random.Random(4)
    offsets = []
    for _ in range(2000):
        point = parseMGRS(pickup.grid(rng)).toLatLon(LatLon)
        offsets.append(distance_km(area[0], area[1], point.lat, point.lon))
    assert max(offsets) <= area[2] and max(offsets) > 0.97 * area[2]
