"""CCSDS Conjunction Data Messages (CCSDS 508.0-B-1, KVN): a small writer and reader.

Writer: one CDM per :class:`~orbitkit.conjunctions.events.Conjunction`. States are given in
GCRF (the CDM has no TEME: SGP4's TEME states are rotated with
:func:`orbitkit.frames.teme_to_gcrs`), units in brackets as real CDMs write them (``[km]``,
``[m**2]``, ``[m**2/s]``). Element sets carry no covariance, so each object gets the
covariance SOCRATES assumes (1-sigma 100 m radial, 300 m in-track, 100 m cross-track; the
velocities 0.3 / 0.1 / 0.1 m/s), marked ``COVARIANCE_METHOD = DEFAULT``. The hard-body
radius (combined, both objects) goes in a ``COMMENT HBR = ... [m]`` line before ``TCA``, as
NASA CARA's CDMs carry it. Checked in
the tests by a real CDM reader (``ccsds-ndm``, GPL, a test dependency only).

Reader: :func:`read_cdm` takes KVN text (both ``YYYY-MM-DD`` and ``YYYY-DDD`` dates), and
returns a :class:`CdmRecord` with each object's state and 6x6 RTN covariance in km units;
what ``orbitkit pc`` needs. A missing mandatory key or an unreadable value is a
:class:`~orbitkit.errors.UserError` naming the file, line and key.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from orbitkit.conjunctions.events import Conjunction
from orbitkit.errors import UserError

__all__ = ["write_cdm", "cdm_text", "read_cdm", "parse_cdm", "CdmRecord", "CdmObject",
           "DEFAULT_SIGMA_RTN_M", "DEFAULT_SIGMA_RTN_DOT_M_S"]

#: Assumed 1-sigma position errors, radial / in-track / cross-track [m] (SOCRATES's shape).
DEFAULT_SIGMA_RTN_M = (100.0, 300.0, 100.0)
#: Assumed 1-sigma velocity errors [m/s].
DEFAULT_SIGMA_RTN_DOT_M_S = (0.3, 0.1, 0.1)

_COV_KEYS = [
    ("CR_R", 0, 0), ("CT_R", 1, 0), ("CT_T", 1, 1), ("CN_R", 2, 0), ("CN_T", 2, 1),
    ("CN_N", 2, 2), ("CRDOT_R", 3, 0), ("CRDOT_T", 3, 1), ("CRDOT_N", 3, 2),
    ("CRDOT_RDOT", 3, 3), ("CTDOT_R", 4, 0), ("CTDOT_T", 4, 1), ("CTDOT_N", 4, 2),
    ("CTDOT_RDOT", 4, 3), ("CTDOT_TDOT", 4, 4), ("CNDOT_R", 5, 0), ("CNDOT_T", 5, 1),
    ("CNDOT_N", 5, 2), ("CNDOT_RDOT", 5, 3), ("CNDOT_TDOT", 5, 4), ("CNDOT_NDOT", 5, 5),
]


def _unit(i: int, j: int) -> str:
    pos = (i < 3) + (j < 3)
    return {2: "[m**2]", 1: "[m**2/s]", 0: "[m**2/s**2]"}[pos]


def _t(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def _gcrs_states(e: Conjunction) -> tuple[np.ndarray, ...]:
    from orbitkit import frames
    from orbitkit.timeutil import precession_nutation, to_julian, utc_to_ut1

    jd, fr = to_julian([e.tca])
    ut1 = utc_to_ut1(jd, fr)
    gast, bpn = precession_nutation(jd, fr)
    r = np.stack([e.r1_teme_km, e.r2_teme_km])[:, None, :]
    v = np.stack([e.v1_teme_km_s, e.v2_teme_km_s])[:, None, :]
    rg, vg = frames.teme_to_gcrs(r, v, *ut1, gast, bpn)
    return rg[0, 0], vg[0, 0], rg[1, 0], vg[1, 0]


def cdm_text(e: Conjunction, *, originator: str = "ORBITKIT", message_id: str | None = None,
             screen_start: datetime | None = None, screen_stop: datetime | None = None,
             threshold_km: float = 5.0, creation: datetime | None = None,
             cospar: tuple[str | None, str | None] = (None, None)) -> str:
    """The KVN text of one CDM for event ``e``."""
    from orbitkit.conjunctions.refine import rtn_components

    created = creation or datetime.now(UTC)
    r1, v1, r2, v2 = _gcrs_states(e)
    rel_r = rtn_components(r1, v1, r2 - r1) * 1000.0
    rel_v = rtn_components(r1, v1, v2 - v1) * 1000.0
    speed = float(np.linalg.norm(v2 - v1))
    half = math.sqrt(max(threshold_km ** 2 - e.miss_km ** 2, 0.0)) / max(speed, 1e-9)
    entry = e.tca - timedelta(seconds=half)
    exit_ = e.tca + timedelta(seconds=half)
    mid = message_id or f"{e.tca:%Y%m%dT%H%M%S}_{e.norad_id_1}_{e.norad_id_2}"
    lines = [
        "CCSDS_CDM_VERS = 1.0",
        "COMMENT Screened by orbitkit from SGP4 element sets (TEME rotated to GCRF); "
        "TCA to 1 ms, miss to 1 m of SGP4's minimum",
        f"CREATION_DATE = {_t(created)}",
        f"ORIGINATOR = {originator}",
        f"MESSAGE_ID = {mid}",
        f"COMMENT HBR = {e.hbr_m:.1f} [m]",
        f"TCA = {_t(e.tca)}",
        f"MISS_DISTANCE = {e.miss_km * 1000.0:.3f} [m]",
        f"RELATIVE_SPEED = {speed * 1000.0:.3f} [m/s]",
        f"RELATIVE_POSITION_R = {rel_r[0]:.3f} [m]",
        f"RELATIVE_POSITION_T = {rel_r[1]:.3f} [m]",
        f"RELATIVE_POSITION_N = {rel_r[2]:.3f} [m]",
        f"RELATIVE_VELOCITY_R = {rel_v[0]:.3f} [m/s]",
        f"RELATIVE_VELOCITY_T = {rel_v[1]:.3f} [m/s]",
        f"RELATIVE_VELOCITY_N = {rel_v[2]:.3f} [m/s]",
        f"START_SCREEN_PERIOD = {_t(screen_start or e.tca)}",
        f"STOP_SCREEN_PERIOD = {_t(screen_stop or e.tca)}",
        "SCREEN_VOLUME_FRAME = RTN",
        "SCREEN_VOLUME_SHAPE = ELLIPSOID",
        f"SCREEN_VOLUME_X = {threshold_km * 1000.0:.1f} [m]",
        f"SCREEN_VOLUME_Y = {threshold_km * 1000.0:.1f} [m]",
        f"SCREEN_VOLUME_Z = {threshold_km * 1000.0:.1f} [m]",
        f"SCREEN_ENTRY_TIME = {_t(entry)}",
        f"SCREEN_EXIT_TIME = {_t(exit_)}",
    ]
    if e.max_probability is not None:
        lines += [f"COLLISION_PROBABILITY = {e.max_probability:.6E}",
                  f"COLLISION_PROBABILITY_METHOD = {e.pc_method}"]
    sig = np.array(DEFAULT_SIGMA_RTN_M + DEFAULT_SIGMA_RTN_DOT_M_S)
    cov = np.diag(sig ** 2)
    for k, (nid, name, r, v) in enumerate(((e.norad_id_1, e.name_1, r1, v1),
                                           (e.norad_id_2, e.name_2, r2, v2)), start=1):
        lines += [
            f"OBJECT = OBJECT{k}",
            f"OBJECT_DESIGNATOR = {nid}",
            "CATALOG_NAME = SATCAT",
            f"OBJECT_NAME = {name or nid}",
            f"INTERNATIONAL_DESIGNATOR = {cospar[k - 1] or 'UNKNOWN'}",
            "EPHEMERIS_NAME = NONE",
            "COVARIANCE_METHOD = DEFAULT",
            "MANEUVERABLE = N/A",
            "REF_FRAME = GCRF",
            "COMMENT Covariance assumed (element sets carry none): 1-sigma 100/300/100 m "
            "R/T/N, 0.3/0.1/0.1 m/s",
            f"X = {r[0]:.6f} [km]",
            f"Y = {r[1]:.6f} [km]",
            f"Z = {r[2]:.6f} [km]",
            f"X_DOT = {v[0]:.9f} [km/s]",
            f"Y_DOT = {v[1]:.9f} [km/s]",
            f"Z_DOT = {v[2]:.9f} [km/s]",
        ]
        lines += [f"{key} = {cov[i, j]:.6E} {_unit(i, j)}" for key, i, j in _COV_KEYS]
    return "\n".join(lines) + "\n"


def write_cdm(e: Conjunction, folder: str | Path, **kwargs: Any) -> Path:
    """Write ``e`` as ``<folder>/<TCA>_<id1>_<id2>.cdm``; returns the path."""
    path = Path(folder) / f"{e.tca:%Y%m%dT%H%M%S}_{e.norad_id_1}_{e.norad_id_2}.cdm"
    path.write_text(cdm_text(e, **kwargs), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- reading


@dataclass
class CdmObject:
    """One object of a CDM: identity, state (km, km/s, in ``ref_frame``) and 6x6 RTN
    covariance [km^2, km^2/s, km^2/s^2]."""

    designator: str
    name: str
    ref_frame: str
    r_km: np.ndarray
    v_km_s: np.ndarray
    cov_rtn_km2: np.ndarray
    covariance_method: str | None = None
    comments: list[str] = field(default_factory=list)


@dataclass
class CdmRecord:
    """What a CDM says: TCA, miss distance, the two objects, the hard-body radius if a
    ``COMMENT HBR`` line gives one, and its own Pc if any."""

    source: str
    tca: datetime
    miss_km: float
    objects: tuple[CdmObject, CdmObject]
    hbr_m: float | None
    collision_probability: float | None = None
    collision_probability_method: str | None = None


_LINE = re.compile(r"^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*(\[[^\]]*\])?\s*$")
_HBR = re.compile(r"HBR\s*[=:]?\s*([0-9.eE+-]+)\s*(\[?\s*m\s*\]?)?", re.IGNORECASE)


def _parse_time(text: str, where: str) -> datetime:
    text = text.strip().rstrip("Z")
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%jT%H:%M:%S.%f",
                "%Y-%jT%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise UserError(f"{where}: expected a CCSDS time (YYYY-MM-DDThh:mm:ss[.fff] or "
                    f"YYYY-DDDThh:mm:ss[.fff]), found {text!r}")


_KM_FACTORS = {"[km]": 1.0, "[m]": 1e-3, "[km/s]": 1.0, "[m/s]": 1e-3}


def parse_cdm(text: str, *, source: str = "CDM") -> CdmRecord:
    """Read a KVN CDM from text (see :func:`read_cdm`)."""
    if text.lstrip().startswith("<"):
        raise UserError(f"{source}: this is an XML CDM; orbitkit reads the KVN form (convert "
                        "it, or ask for the KVN version)")
    header: dict[str, tuple[str, str | None, int]] = {}
    objs: list[dict[str, tuple[str, str | None, int]]] = []
    comments: list[list[str]] = [[]]
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("COMMENT"):
            comments[-1].append(line[7:].strip())
            continue
        m = _LINE.match(line)
        if not m:
            raise UserError(f"{source}, line {number}: expected 'KEY = value [unit]', found "
                            f"{raw.strip()[:60]!r}")
        key, value, unit = m.group(1), m.group(2), m.group(3)
        if key == "OBJECT":
            objs.append({})
            comments.append([])
        target = objs[-1] if objs else header
        target[key] = (value, unit, number)
    if "CCSDS_CDM_VERS" not in header:
        raise UserError(f"{source}: not a CDM (no CCSDS_CDM_VERS line)")
    if len(objs) != 2:
        raise UserError(f"{source}: expected two OBJECT sections (OBJECT1, OBJECT2), found "
                        f"{len(objs)}")

    def need(d: dict, key: str, where: str) -> tuple[str, str | None, int]:
        if key not in d:
            raise UserError(f"{source}: {where} has no {key} line")
        return d[key]

    def num(d: dict, key: str, where: str) -> float:
        value, unit, number = need(d, key, where)
        try:
            x = float(value)
        except ValueError:
            raise UserError(f"{source}, line {number}: {key}: expected a number, found "
                            f"{value!r}") from None
        if not math.isfinite(x):
            raise UserError(f"{source}, line {number}: {key}: not a finite number")
        return x

    tca = _parse_time(need(header, "TCA", "the header")[0], f"{source}: TCA")
    miss_v, miss_u, _ = need(header, "MISS_DISTANCE", "the header")
    miss_km = num(header, "MISS_DISTANCE", "the header") * (
        1.0 if (miss_u or "").lower() == "[km]" else 1e-3)
    objects = []
    for k, d in enumerate(objs, start=1):
        where = f"OBJECT{k}"
        r = np.array([num(d, c, where) * _KM_FACTORS.get(d[c][1] or "[km]", 1.0)
                      for c in ("X", "Y", "Z")])
        v = np.array([num(d, c, where) * _KM_FACTORS.get(d[c][1] or "[km/s]", 1.0)
                      for c in ("X_DOT", "Y_DOT", "Z_DOT")])
        cov = np.zeros((6, 6))
        for key, i, j in _COV_KEYS:
            if i < 3 or key in d:  # velocity terms optional for Pc (position block needed)
                cov[i, j] = cov[j, i] = num(d, key, where) * 1e-6  # m-based -> km-based
        objects.append(CdmObject(
            designator=d.get("OBJECT_DESIGNATOR", ("?", None, 0))[0],
            name=d.get("OBJECT_NAME", ("", None, 0))[0],
            ref_frame=need(d, "REF_FRAME", where)[0],
            r_km=r, v_km_s=v, cov_rtn_km2=cov,
            covariance_method=d.get("COVARIANCE_METHOD", (None, None, 0))[0],
            comments=comments[k]))
    hbr = None
    for block in comments:
        for c in block:
            m = _HBR.search(c)
            if m and c.upper().lstrip().startswith("HBR"):
                hbr = float(m.group(1))
                break
        if hbr is not None:
            break
    pc = header.get("COLLISION_PROBABILITY")
    return CdmRecord(source, tca, miss_km, (objects[0], objects[1]), hbr,
                     float(pc[0]) if pc else None,
                     header.get("COLLISION_PROBABILITY_METHOD", (None,))[0])


def read_cdm(path: str | Path) -> CdmRecord:
    """Read a KVN CDM file.

    Raises
    ------
    UserError
        Unreadable file, not a CDM, a missing key or a bad value (file, line and key named).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"CDM file {path}: cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"CDM file {path}: not UTF-8 text (byte {exc.start})") from None
    return parse_cdm(text, source=str(p))
