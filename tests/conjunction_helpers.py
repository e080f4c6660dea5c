"""Element sets built to meet: injected encounters for the screening tests.

:func:`inject` makes an SGP4 element set whose SGP4 state at a chosen instant is a chosen
position and velocity: two-body elements of the state as a first guess, then a few
corrections of the state handed to the conversion by SGP4's own mismatch (SGP4's mean
elements are not osculating ones), to well under a metre.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
from sgp4.api import WGS72, Satrec

from orbitkit.elements.model import ElementSet
from orbitkit.timeutil import to_julian

MU = 398600.8  # WGS72


def _coe(r, v):
    r = np.asarray(r, float)
    v = np.asarray(v, float)
    rn, vn = np.linalg.norm(r), np.linalg.norm(v)
    h = np.cross(r, v)
    hn = np.linalg.norm(h)
    nvec = np.cross([0.0, 0.0, 1.0], h)
    nn = np.linalg.norm(nvec)
    evec = ((vn * vn - MU / rn) * r - np.dot(r, v) * v) / MU
    e = np.linalg.norm(evec)
    a = 1.0 / (2.0 / rn - vn * vn / MU)
    inc = math.acos(h[2] / hn)
    raan = math.atan2(nvec[1], nvec[0]) % (2 * math.pi)
    if e > 1e-9:
        argp = math.acos(max(-1.0, min(1.0, np.dot(nvec, evec) / (nn * e))))
        if evec[2] < 0:
            argp = 2 * math.pi - argp
        nu = math.acos(max(-1.0, min(1.0, np.dot(evec, r) / (e * rn))))
        if np.dot(r, v) < 0:
            nu = 2 * math.pi - nu
    else:
        argp = 0.0
        nu = math.acos(max(-1.0, min(1.0, np.dot(nvec, r) / (nn * rn))))
        if r[2] < 0:
            nu = 2 * math.pi - nu
    E = 2 * math.atan2(math.sqrt(1 - e) * math.sin(nu / 2), math.sqrt(1 + e) * math.cos(nu / 2))
    M = (E - e * math.sin(E)) % (2 * math.pi)
    n_rad_min = math.sqrt(MU / a ** 3) * 60.0
    return e, argp, inc, M, n_rad_min, raan


def _satrec(jd, fr, els, satnum):
    e, argp, inc, M, n, raan = els
    s = Satrec()
    s.sgp4init(WGS72, "i", satnum, (jd - 2433281.5) + fr, 0.0, 0.0, 0.0, e, argp, inc, M, n,
               raan)
    return s


def inject(at: datetime, r_teme_km, v_teme_km_s, *, norad_id: int, name: str) -> ElementSet:
    """An element set (epoch ``at``) whose SGP4 state at ``at`` is ``(r, v)`` within ~1 mm."""
    jd, fr = (float(x[0]) for x in to_julian([at]))
    target = np.concatenate([np.asarray(r_teme_km, float), np.asarray(v_teme_km_s, float)])
    guess = target.copy()
    for _ in range(30):
        s = _satrec(jd, fr, _coe(guess[:3], guess[3:]), norad_id)
        err, r, v = s.sgp4(jd, fr)
        got = np.concatenate([r, v])
        miss = target - got
        if np.linalg.norm(miss[:3]) < 1e-7 and np.linalg.norm(miss[3:]) < 1e-10:
            break
        guess = guess + miss
    return ElementSet(norad_id=norad_id, name=name, epoch=at, satrec=s, source="file",
                      origin="injected test encounter")


def state(es: ElementSet, at: datetime):
    jd, fr = (float(x[0]) for x in to_julian([at]))
    err, r, v = es.satrec.sgp4(jd, fr)
    assert err == 0
    return np.array(r), np.array(v)


def rotate(vec, axis, angle_rad):
    """Rodrigues rotation of ``vec`` about ``axis``."""
    k = np.asarray(axis, float) / np.linalg.norm(axis)
    v = np.asarray(vec, float)
    return (v * math.cos(angle_rad) + np.cross(k, v) * math.sin(angle_rad)
            + k * np.dot(k, v) * (1 - math.cos(angle_rad)))
