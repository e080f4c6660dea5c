"""DOP kernel: analytic geometries, the Schur/cofactor inverse against np.linalg.inv, and
the float32 error against float64.

Authority for the analytic cases: the DOP definitions of Misra & Enge, *Global Positioning
System* (2nd ed., 2006), section 6.1.2 (rows of G are (-e^T, 1), H = (G^T G)^-1).
"""

from __future__ import annotations

import math

import coverage_fixtures as cf
import numpy as np
import pytest

from orbitkit import coverage as cv


@pytest.fixture()
def bds3_sets(active_2026):
    return list(cf.bds3_sets(active_2026))


@pytest.fixture()
def bds3_positions(active_2026):
    return cf.bds3_positions(active_2026)

A_KM = 6378.137
E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563)


def _point(lat_deg: float, lon_deg: float):
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    n = A_KM / math.sqrt(1 - E2 * math.sin(lat) ** 2)
    pos = np.array([n * math.cos(lat) * math.cos(lon), n * math.cos(lat) * math.sin(lon),
                    n * (1 - E2) * math.sin(lat)])
    east = np.array([-math.sin(lon), math.cos(lon), 0.0])
    north = np.array([-math.sin(lat) * math.cos(lon), -math.sin(lat) * math.sin(lon),
                      math.cos(lat)])
    up = np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon),
                   math.sin(lat)])
    return pos, east, north, up


def _sats_around(lat_deg, lon_deg, el_az_deg, range_km=21000.0):
    """Satellites at the given (elevation, azimuth) seen from a point, (S, 1, 3) ITRS km."""
    pos, east, north, up = _point(lat_deg, lon_deg)
    out = []
    for el, az in el_az_deg:
        el, az = math.radians(el), math.radians(az)
        los = math.cos(el) * math.sin(az) * east + math.cos(el) * math.cos(az) * north \
            + math.sin(el) * up
        out.append(pos + range_km * los)
    return np.array(out)[:, None, :]


def _kernel_dop(r, lat_deg, lon_deg, mask_deg=5.0, groups=None):
    table = cv.satellite_table(r, mask_deg, groups=groups)
    pos, up = cv._geodetic_points(np.radians([lat_deg]), np.radians([lon_deg]), 0.0)
    out = cv.coverage_chunk(table, pos, up)
    return {k: v[0, 0] for k, v in out.items()}


def _analytic_zenith_ring(n: int, el_deg: float):
    """Zenith + n satellites at one elevation, equally spaced in azimuth (n >= 3).

    sum e e^T = diag(n c^2/2, n c^2/2, 1 + n s^2), sum e = (0, 0, 1 + n s), N = n + 1
    (c = cos el, s = sin el): HDOP^2 = 4/(n c^2); the (up, clock) block
    [[1 + n s^2, -(1 + n s)], [-(1 + n s), n + 1]] gives VDOP^2 and TDOP^2.
    """
    c, s = math.cos(math.radians(el_deg)), math.sin(math.radians(el_deg))
    hdop2 = 4.0 / (n * c * c)
    zz, sz, nn = 1 + n * s * s, 1 + n * s, n + 1
    det = zz * nn - sz * sz
    vdop2, tdop2 = nn / det, zz / det
    return {"hdop": math.sqrt(hdop2), "vdop": math.sqrt(vdop2),
            "pdop": math.sqrt(hdop2 + vdop2), "tdop": math.sqrt(tdop2),
            "gdop": math.sqrt(hdop2 + vdop2 + tdop2)}


@pytest.mark.parametrize("n, el_deg", [(3, 30.0), (4, 20.0), (4, 45.0), (6, 10.0)])
@pytest.mark.parametrize("lat_deg, lon_deg", [(0.0, 0.0), (39.9, 116.4), (-60.0, -70.0)])
def test_zenith_plus_ring_matches_analytic_dop(n, el_deg, lat_deg, lon_deg):
    """Misra & Enge 6.1.2 geometry worked by hand: all five DOPs within 1e-5 (relative)."""
    geometry = [(90.0, 0.0)] + [(el_deg, 360.0 * k / n + 17.0) for k in range(n)]
    r = _sats_around(lat_deg, lon_deg, geometry)
    got = _kernel_dop(r, lat_deg, lon_deg)
    want = _analytic_zenith_ring(n, el_deg)
    assert got["visible"] == n + 1
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-5), key


def test_hidden_satellites_and_fewer_than_four_give_no_dop():
    """Below the mask does not count; 3 satellites are not enough for a DOP."""
    geometry = [(90.0, 0.0), (40.0, 0.0), (40.0, 120.0), (4.0, 240.0), (-20.0, 30.0)]
    r = _sats_around(10.0, 20.0, geometry)
    got = _kernel_dop(r, 10.0, 20.0, mask_deg=5.0)
    assert got["visible"] == 3
    assert all(np.isnan(got[k]) for k in ("pdop", "hdop", "vdop", "gdop", "tdop"))
    got = _kernel_dop(r, 10.0, 20.0, mask_deg=3.0)  # the 4-degree one is now in view
    assert got["visible"] == 4 and np.isfinite(got["pdop"])


def test_mask_edge_is_geometric_elevation():
    """A satellite 0.01 deg above the mask is counted, 0.01 deg below is not."""
    base = [(90.0, 0.0), (50.0, 0.0), (50.0, 120.0), (50.0, 240.0)]
    for el, want in ((10.01, 5), (9.99, 4)):
        r = _sats_around(-33.9, 151.2, base + [(el, 60.0)])
        assert _kernel_dop(r, -33.9, 151.2, mask_deg=10.0)["visible"] == want


def _reference_dop(r_one_epoch, pos, up, east, north, groups):
    los = r_one_epoch - pos
    e = los / np.linalg.norm(los, axis=1, keepdims=True)
    n_g = int(groups.max()) + 1
    h = np.zeros((len(e), 3 + n_g))
    h[:, :3] = -e
    h[np.arange(len(e)), 3 + groups] = 1.0
    q = np.linalg.inv(h.T @ h)
    rot = np.array([east, north, up])
    qe = rot @ q[:3, :3] @ rot.T
    return {"hdop": math.sqrt(qe[0, 0] + qe[1, 1]), "vdop": math.sqrt(qe[2, 2]),
            "pdop": math.sqrt(np.trace(q[:3, :3])), "tdop": math.sqrt(np.trace(q[3:, 3:])),
            "gdop": math.sqrt(np.trace(q))}


@pytest.mark.parametrize("n_groups", [1, 2, 4])
def test_schur_cofactor_inverse_matches_linalg_inv_random_skies(n_groups):
    """Random skies (8-30 satellites above 10 deg), one clock per constellation: 1e-4."""
    rng = np.random.default_rng(42 + n_groups)
    for _ in range(25):
        n = int(rng.integers(8, 31))
        lat, lon = float(rng.uniform(-80, 80)), float(rng.uniform(-180, 180))
        geometry = list(zip(rng.uniform(12, 89, n), rng.uniform(0, 360, n), strict=True))
        r = _sats_around(lat, lon, geometry, range_km=float(rng.uniform(19000, 38000)))
        groups = np.arange(n) % n_groups
        got = _kernel_dop(r, lat, lon, mask_deg=10.0, groups=groups)
        pos, east, north, up = _point(lat, lon)
        want = _reference_dop(r[:, 0, :], pos, up, east, north, groups)
        assert got["visible"] == n
        for key, value in want.items():
            assert got[key] == pytest.approx(value, rel=1e-4), key


def test_constellation_without_satellites_in_view_has_no_clock_column():
    """A second constellation entirely below the horizon leaves the DOP of the first alone."""
    geometry = [(90.0, 0.0), (30.0, 10.0), (30.0, 130.0), (30.0, 250.0), (-30.0, 0.0),
                (-40.0, 90.0)]
    r = _sats_around(0.0, 0.0, geometry)
    one = _kernel_dop(r[:4], 0.0, 0.0)
    two = _kernel_dop(r, 0.0, 0.0, groups=np.array([0, 0, 0, 0, 1, 1]))
    for key in ("pdop", "hdop", "vdop", "tdop", "gdop"):
        assert two[key] == pytest.approx(one[key], rel=1e-6)


def test_float32_error_against_float64_on_a_real_constellation(bds3_positions):
    """float32 kernel vs float64 textbook DOP, 2026 BDS-3, 5-deg global grid, 12 epochs.

    Stated accuracy: PDOP/HDOP/VDOP/GDOP within 1e-4 relative wherever PDOP < 20 (measured
    about 1e-6 typical); visible counts identical except for pairs within ~1e-6 rad of the
    mask.
    """
    from coverage_reference import grid_points, reference_epochs

    r, _times = bds3_positions
    r = r[:, ::12]
    grid = cv.make_grid("global", 5.0)
    table = cv.satellite_table(r, 10.0)
    lat, lon = grid.points_deg()
    pos, up = cv._geodetic_points(np.radians(lat), np.radians(lon), 0.0)
    fast = cv.coverage_chunk(table, pos, up)
    rpos, enu = grid_points(grid.lat_deg, grid.lon_deg)
    ref = list(reference_epochs(r, rpos, enu, 10.0))
    vis = np.array([x[0] for x in ref])
    assert (fast["visible"] == vis).mean() > 0.9999
    for i, key in enumerate(("pdop", "hdop", "vdop", "gdop", "tdop"), start=1):
        want = np.array([x[i] for x in ref])
        good = np.isfinite(want) & (np.array([x[1] for x in ref]) < 20)
        rel = np.abs(fast[key][good] / want[good] - 1)
        assert rel.max() < 1e-4, (key, rel.max())
