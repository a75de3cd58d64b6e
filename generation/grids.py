"""MGRS grid references: a point inside a front's area, WGS84 latitude/longitude to UTM
to an MGRS reference with 1 m precision.

The projection is the transverse Mercator series of Krüger to the third order in n
(Karney 2011, "Transverse Mercator with an accuracy of a few nanometers", eq. 35-36; the
third order is good to well under a millimetre inside a UTM zone). The 100 km square
letters follow the MGRS "AA" lettering used with WGS84 (NGA, "The Universal Grids: UTM
and UPS", DMA TM 8358.1, section 3): columns A-H, J-R, S-Z repeat every three zones,
rows A-V (no I or O) start at A in odd zones and at F in even ones. tests/engine/
test_grids.py checks every reference against an independent decoder (PyGeodesy).
"""

from __future__ import annotations

import math
import random

from generation.fastops import zero_padded

# An area: latitude and longitude of its centre (degrees), radius (km).
Area = tuple[float, float, float]

_A = 6378137.0  # WGS84 semi-major axis, m
_F = 1 / 298.257223563  # WGS84 flattening
_K0 = 0.9996  # UTM central scale factor
_N = _F / (2 - _F)
_A_HAT = _A / (1 + _N) * (1 + _N**2 / 4 + _N**4 / 64)
_ALPHA = (
    _N / 2 - 2 * _N**2 / 3 + 5 * _N**3 / 16,
    13 * _N**2 / 48 - 3 * _N**3 / 5,
    61 * _N**3 / 240,
)
_E2N = 2 * math.sqrt(_N) / (1 + _N)  # the eccentricity, e = 2 sqrt(n) / (1 + n)
_BANDS = "CDEFGHJKLMNPQRSTUVWXX"  # 8 degree bands from 80 S; X is 12 degrees (72-84 N)
_COLUMNS = ("ABCDEFGH", "JKLMNPQR", "STUVWXYZ")
_ROWS = "ABCDEFGHJKLMNPQRSTUV"
EARTH_RADIUS_KM = 6371.0088  # mean radius of the WGS84 ellipsoid (IUGG R1)
MIN_LATITUDE = -80.0  # MGRS uses UTM between 80 S and 84 N (UPS beyond)
MAX_LATITUDE = 84.0


def point_in(rng: random.Random, area: Area) -> tuple[float, float, float]:
    """A point spread evenly over the disc of the area: (latitude, sine of the latitude,
    longitude). The disc is measured along great circles of the mean Earth sphere (the
    great-circle destination from the centre), so it stays round at any latitude."""
    latitude, longitude, radius = area
    r = rng.random
    angle = radius * math.sqrt(r()) / EARTH_RADIUS_KM
    bearing = 2 * math.pi * r()
    phi = math.radians(latitude)
    sin_phi, cos_phi = math.sin(phi), math.cos(phi)
    sin_angle, cos_angle = math.sin(angle), math.cos(angle)
    sin_lat = sin_phi * cos_angle + cos_phi * sin_angle * math.cos(bearing)
    east = math.atan2(math.sin(bearing) * sin_angle * cos_phi, cos_angle - sin_phi * sin_lat)
    return math.degrees(math.asin(sin_lat)), sin_lat, longitude + math.degrees(east)


def grid_reference(rng: random.Random, area: Area) -> str:
    """An MGRS reference ("35U MA 12345 67890") of a point inside the area."""
    latitude, sin_latitude, longitude = point_in(rng, area)
    return _mgrs(latitude, sin_latitude, longitude)


# Margin kept from the edge on the fast path: the UTM scale varies by well under 0.2 %
# across an area of up to 200 km, and ground distances on the ellipsoid differ from the
# mean sphere's by under 0.6 %; 1 % keeps every point inside the area either way.
_PLANE_MARGIN = 0.99
_CHECK_POINTS = 72  # points on the area's edge checked for a zone or band boundary


class Pickup:
    """Where a front's pickup points are drawn. Inside one UTM zone and latitude band
    (nearly every area) a point is drawn evenly over a disc in the zone's plane, with
    no projection per point; an area across a zone or band boundary projects each
    point exactly (`grid_reference`). A plain class so mypyc compiles it."""

    def __init__(self, area: Area) -> None:
        self.area = area
        latitude, longitude, radius = area
        zone = utm_zone(latitude, longitude)
        band = _BANDS[int((latitude + 80) // 8)]
        same = True
        for step in range(_CHECK_POINTS):
            edge = _edge_point(area, 2 * math.pi * step / _CHECK_POINTS)
            lon = (edge[1] + 180) % 360 - 180
            if utm_zone(edge[0], lon) != zone or _BANDS[int((edge[0] + 80) // 8)] != band:
                same = False
        self.plane = same
        self.prefix = f"{zone}{band} "
        self.columns = _COLUMNS[(zone - 1) % 3]
        self.row_offset = 5 if zone % 2 == 0 else 0
        self.easting, self.northing = utm(latitude, longitude, zone)
        # metres of the plane per metre on the ground at the centre, from a point 1 km east
        east = _edge_point((latitude, longitude, 1.0), math.pi / 2)
        e1, n1 = utm(east[0], east[1], zone)
        scale = math.hypot(e1 - self.easting, n1 - self.northing) / 1000.0
        self.radius_m = radius * 1000.0 * scale * _PLANE_MARGIN

    def __reduce__(self) -> tuple[type[Pickup], tuple[Area]]:
        return Pickup, (self.area,)  # compiled tables travel pickled

    def __eq__(self, other: object) -> bool:  # everything follows from the area
        return isinstance(other, Pickup) and self.area == other.area

    def __hash__(self) -> int:
        return hash(self.area)

    def grid(self, rng: random.Random) -> str:
        """An MGRS reference of a point spread evenly over the area."""
        if not self.plane:
            return grid_reference(rng, self.area)
        r = rng.random
        distance = self.radius_m * math.sqrt(r())
        bearing = 2 * math.pi * r()
        easting = self.easting + distance * math.sin(bearing)
        northing = self.northing + distance * math.cos(bearing)
        column = self.columns[int(easting // 100_000) - 1]
        row = _ROWS[(int(northing // 100_000) + self.row_offset) % 20]
        east = zero_padded(int(easting) % 100_000, 5)
        north = zero_padded(int(northing) % 100_000, 5)
        return f"{self.prefix}{column}{row} {east} {north}"


def _edge_point(area: Area, bearing: float) -> tuple[float, float]:
    """The point at the area's radius from its centre in this direction (degrees)."""
    latitude, longitude, radius = area
    angle = radius / EARTH_RADIUS_KM
    phi = math.radians(latitude)
    sin_lat = math.sin(phi) * math.cos(angle) + math.cos(phi) * math.sin(angle) * math.cos(bearing)
    east = math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(phi),
        math.cos(angle) - math.sin(phi) * sin_lat,
    )
    return math.degrees(math.asin(sin_lat)), longitude + math.degrees(east)


def mgrs(latitude: float, longitude: float) -> str:
    """The 1 m MGRS reference of a WGS84 position between 80 S and 84 N."""
    return _mgrs(latitude, math.sin(math.radians(latitude)), longitude)


def _mgrs(latitude: float, sin_latitude: float, longitude: float) -> str:
    longitude = (longitude + 180) % 360 - 180  # an area across the antimeridian
    zone = utm_zone(latitude, longitude)
    easting, northing = _utm(latitude, sin_latitude, longitude, zone)
    column = _COLUMNS[(zone - 1) % 3][int(easting // 100_000) - 1]
    row = _ROWS[(int(northing // 100_000) + (5 if zone % 2 == 0 else 0)) % 20]
    band = _BANDS[int((latitude + 80) // 8)]
    east = zero_padded(int(easting) % 100_000, 5)
    north = zero_padded(int(northing) % 100_000, 5)
    return f"{zone}{band} {column}{row} {east} {north}"


def utm_zone(latitude: float, longitude: float) -> int:
    """The UTM zone, with the Norway (32V) and Svalbard (31X-37X) exceptions."""
    zone = int((longitude + 180) // 6) % 60 + 1
    if 56 <= latitude < 64 and 3 <= longitude < 12:
        return 32
    if 72 <= latitude <= 84 and 0 <= longitude < 42:
        return 31 if longitude < 9 else 33 if longitude < 21 else 35 if longitude < 33 else 37
    return zone


def utm(latitude: float, longitude: float, zone: int) -> tuple[float, float]:
    """(easting, northing) in metres in the given zone; southern northings carry the
    10,000 km false northing."""
    return _utm(latitude, math.sin(math.radians(latitude)), longitude, zone)


def _utm(latitude: float, sin_phi: float, longitude: float, zone: int) -> tuple[float, float]:
    lam = math.radians(longitude - (zone * 6 - 183))
    cos_lam = math.cos(lam)
    t = math.sinh(math.atanh(sin_phi) - _E2N * math.atanh(_E2N * sin_phi))
    xi_prime = math.atan2(t, cos_lam)
    x = math.sin(lam) / math.sqrt(1 + t * t)
    eta_prime = math.atanh(x)
    # sin/cos(2j xi') and cosh/sinh(2j eta') for j = 1..3 without more library calls:
    # xi' = atan2(t, cos lam) gives sin/cos(2 xi') algebraically, exp(2 atanh x) is
    # (1 + x) / (1 - x), and the multiple-angle identities give j = 2, 3.
    norm = t * t + cos_lam * cos_lam
    s1, c1 = 2 * t * cos_lam / norm, (cos_lam * cos_lam - t * t) / norm
    s2, c2 = 2 * s1 * c1, 2 * c1 * c1 - 1
    s3, c3 = s1 * c2 + c1 * s2, c1 * c2 - s1 * s2
    e1 = (1 + x) / (1 - x)
    e2, e3 = e1 * e1, e1 * e1 * e1
    ch1, sh1 = (e1 + 1 / e1) / 2, (e1 - 1 / e1) / 2
    ch2, sh2 = (e2 + 1 / e2) / 2, (e2 - 1 / e2) / 2
    ch3, sh3 = (e3 + 1 / e3) / 2, (e3 - 1 / e3) / 2
    a1, a2, a3 = _ALPHA
    xi = xi_prime + a1 * s1 * ch1 + a2 * s2 * ch2 + a3 * s3 * ch3
    eta = eta_prime + a1 * c1 * sh1 + a2 * c2 * sh2 + a3 * c3 * sh3
    easting = 500_000 + _K0 * _A_HAT * eta
    northing = _K0 * _A_HAT * xi
    if latitude < 0:
        northing += 10_000_000
    return easting, northing
