"""CCSDS Orbit Ephemeris Messages (OEM, CCSDS 502.0-B-2/-3): read, interpolate, write.

An OEM is a table of Cartesian states (position km, velocity km/s) at epochs, in one or
more *segments*; each segment's metadata names the object, the central body, the reference
frame, the time system, the span (``START_TIME``..``STOP_TIME``, optionally a narrower
``USEABLE_*`` span) and the interpolation method the producer recommends
(``INTERPOLATION`` = ``LAGRANGE``, ``HERMITE`` or ``LINEAR``, with ``INTERPOLATION_DEGREE``).

This module is pure: text in, arrays out (and back). It knows nothing of element-set
sources, propagation or the CLI.

Reading
-------
:func:`parse_oem` reads KVN (keyword = value) and XML (the NDM/XML ``<oem>`` schema)
into :class:`OemSegment` objects. Epochs are converted to UTC (``datetime64[ns]``) from
the segment's ``TIME_SYSTEM``: UTC as is; TAI, GPS and TT through the built-in leap-second
table (TAI - UTC), GPS = TAI - 19 s, TT = TAI + 32.184 s. Other time systems (TDB, UT1,
MET, ...) are refused with the segment's line, as are malformed lines (the message names
the file, the line, what was expected and what was found). Covariance blocks are skipped;
accelerations, when given, are read and ignored.

Interpolation
-------------
:func:`interpolate_states` evaluates a segment at any times inside its usable span with
the hinted method, vectorised over the requested times (the Python loops run over the
handful of points of the interpolating polynomial, never over time):

1. For each requested time, the ``n`` tabulated epochs nearest to it are chosen: ``n =
   degree + 1`` for Lagrange, ``n = (degree + 1) / 2`` rounded up for Hermite (each point
   gives a position and a velocity, so ``n`` points fix a polynomial of degree ``2n - 1``),
   2 for linear. The window is centred on the time and slid inwards at the ends of the
   table, so it never reaches outside the segment.
2. Lagrange: position = sum of the Lagrange basis polynomials times the tabulated
   positions; velocity the same over the tabulated velocities (which the OEM gives, so
   they are interpolated rather than differentiated from positions). Hermite: the
   classical osculating form ``H(t) = sum_i [(1 - 2 c_i (t - t_i)) y_i + (t - t_i) y'_i]
   L_i(t)^2`` with ``c_i = L_i'(t_i)``, and its exact time derivative for velocity.
3. Times are seconds from the segment's first epoch (float64: sub-microsecond over
   decades), so the basis is well conditioned.

Times outside the usable span are refused (:class:`OemSpanError`), never extrapolated.
Accuracy (measured on the 2026 snapshot): degree 7 Lagrange reproduces SGP4 between the
written states within 0.06 mm for the CSS at a 60 s step, 0.15 mm for a BeiDou MEO at
300 s and 0.01 mm for a BeiDou GEO at 600 s (tested: within 1 mm). orbitkit writes the
LAGRANGE hint, not HERMITE: SGP4's velocity is not the exact derivative of its position
(1.7-2.7 cm/s apart, measured by finite differences), so Hermite would carry that mismatch
into positions (0.5 m between 60 s states of the CSS). Hermite is read and applied when a
file asks for it (the producer's velocities are then taken as exact derivatives).

Writing
-------
:func:`write_oem_kvn` and :func:`write_oem_xml` write segments; :func:`ephemeris_segments`
builds them from an :class:`orbitkit.propagation.Ephemeris` in GCRF (orbitkit's GCRS),
ITRF (orbitkit's ITRS: TEME rotated by GMST 1982 on UT1, without polar motion, as the SGP4
reference does; a COMMENT says so), or TEME (declared as TEME). Epochs are UTC with
microseconds; positions are written to 1 µm (9 decimals in km) and velocities to 1 nm/s, so
the text adds no error a reader could see against the 1 mm round trip. Runs of samples sgp4
could not compute split an object into several segments, and so does a change of element
set along the span (the states jump there: no segment is interpolated across it); a nominal
design orbit says so in a COMMENT.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from orbitkit.errors import ElementFileError, UserError

__all__ = [
    "OemSegment",
    "OemSpanError",
    "INTERPOLATIONS",
    "OEM_FRAMES",
    "parse_oem",
    "interpolate_states",
    "write_oem_kvn",
    "write_oem_xml",
    "ephemeris_segments",
]

#: Interpolation methods the reader knows (the OEM's INTERPOLATION values).
INTERPOLATIONS = ("LAGRANGE", "HERMITE", "LINEAR")
#: orbitkit frame -> OEM REF_FRAME written.
OEM_FRAMES = {"gcrs": "GCRF", "itrs": "ITRF", "teme": "TEME"}
_TIME_SYSTEMS = ("UTC", "TAI", "GPS", "TT")
_DAY_NS = 86_400_000_000_000
_DEFAULT_DEGREE = 7


class OemSpanError(UserError, ValueError):
    """A time asked of an OEM segment lies outside its (usable) span."""


@dataclass(eq=False)
class OemSegment:
    """One OEM segment: metadata and the tabulated states.

    Attributes
    ----------
    object_name, object_id
        OBJECT_NAME and OBJECT_ID (the international designator, e.g. ``2021-035A``).
    center_name
        CENTER_NAME (``EARTH`` for Earth orbits).
    ref_frame
        REF_FRAME as written (``GCRF``, ``EME2000``, ``ITRF``, ``TEME``, ...).
    time_system
        TIME_SYSTEM of the file (the epochs here are already converted to UTC).
    times
        (N,) ``datetime64[ns]`` UTC epochs, strictly increasing.
    r_km, v_km_s
        (N, 3) position (km) and velocity (km/s) in ``ref_frame``.
    start, stop
        USEABLE_START/STOP_TIME when given, else START/STOP_TIME (``datetime64[ns]`` UTC):
        the span :func:`interpolate_states` accepts.
    interpolation, interpolation_degree
        The producer's hint (``LAGRANGE`` / ``HERMITE`` / ``LINEAR``); degree 7 Lagrange
        when the file gives none.
    comments
        COMMENT lines of the segment (metadata and data), in order.
    norad_id
        The NORAD catalogue number when a comment gives it (orbitkit writes one), else
        ``None``.
    source, line
        File name and the line of the segment's META_START (or XML segment), for messages.
    """

    object_name: str
    object_id: str
    center_name: str
    ref_frame: str
    time_system: str
    times: np.ndarray
    r_km: np.ndarray
    v_km_s: np.ndarray
    start: np.datetime64
    stop: np.datetime64
    interpolation: str = "LAGRANGE"
    interpolation_degree: int = _DEFAULT_DEGREE
    comments: list[str] = field(default_factory=list)
    norad_id: int | None = None
    source: str = "<string>"
    line: int = 0
    #: Row of the :class:`~orbitkit.propagation.Ephemeris` it was made from (when written).
    index: int | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return (f"OemSegment({self.object_name!r}, {self.ref_frame}, {self.times.size} states, "
                f"{np.datetime_as_string(self.start, unit='s')}Z.."
                f"{np.datetime_as_string(self.stop, unit='s')}Z, {self.interpolation} "
                f"{self.interpolation_degree})")

    @property
    def where(self) -> str:
        return f"{self.source}, segment at line {self.line} ({self.object_name})"

    def covers(self, times: Any) -> np.ndarray:
        """Boolean mask of ``times`` (``datetime64``) inside the usable span."""
        t = np.asarray(times).astype("datetime64[ns]")
        return (t >= self.start) & (t <= self.stop)

    def interpolate(self, times: Any) -> tuple[np.ndarray, np.ndarray]:
        """States at ``times`` (``datetime64`` UTC, any shape ``(T,)``) with the hinted
        method: (T, 3) km and (T, 3) km/s in :attr:`ref_frame`.

        Raises
        ------
        OemSpanError
            When a time is outside :attr:`start`..:attr:`stop`.
        """
        t = np.atleast_1d(np.asarray(times).astype("datetime64[ns]"))
        outside = ~self.covers(t)
        if outside.any():
            first = np.datetime_as_string(t[outside][0], unit="ms")
            raise OemSpanError(
                f"{self.where}: {int(outside.sum())} requested time(s) outside the "
                f"ephemeris span {np.datetime_as_string(self.start, unit='ms')}Z .. "
                f"{np.datetime_as_string(self.stop, unit='ms')}Z (first: {first}Z); an OEM "
                "is not extrapolated: use times inside it or another element source")
        base = self.times[0]
        x = (self.times - base).astype(np.int64) / 1e9
        xq = (t - base).astype(np.int64) / 1e9
        return interpolate_states(x, self.r_km, self.v_km_s, xq, self.interpolation,
                                  self.interpolation_degree)


# --------------------------------------------------------------------------- interpolation


def _windows(x: np.ndarray, xq: np.ndarray, n: int) -> np.ndarray:
    """(Q, n) indices of the n tabulated points nearest each query, inside the table."""
    n = min(n, x.size)
    first = np.searchsorted(x, xq, side="right") - (n + 1) // 2
    first = np.clip(first, 0, x.size - n)
    return first[:, None] + np.arange(n)[None, :]


def _lagrange_basis(xw: np.ndarray, xq: np.ndarray) -> np.ndarray:
    """(Q, n) Lagrange basis values L_i(xq) over the window abscissae xw (Q, n)."""
    n = xw.shape[1]
    basis = np.ones_like(xw)
    for i in range(n):
        for j in range(n):
            if i != j:
                basis[:, i] *= (xq - xw[:, j]) / (xw[:, i] - xw[:, j])
    return basis


def _lagrange_basis_derivative(xw: np.ndarray, xq: np.ndarray) -> np.ndarray:
    """(Q, n) derivatives L_i'(xq), as sums of products (no division by xq - x_j, so it is
    exact at the nodes too)."""
    n = xw.shape[1]
    out = np.zeros_like(xw)
    for i in range(n):
        for k in range(n):
            if k == i:
                continue
            term = 1.0 / (xw[:, i] - xw[:, k])
            for j in range(n):
                if j not in (i, k):
                    term = term * (xq - xw[:, j]) / (xw[:, i] - xw[:, j])
            out[:, i] += term
    return out


def interpolate_states(
    x: np.ndarray,
    r: np.ndarray,
    v: np.ndarray,
    xq: np.ndarray,
    method: str = "LAGRANGE",
    degree: int = _DEFAULT_DEGREE,
) -> tuple[np.ndarray, np.ndarray]:
    """Interpolate tabulated states at query abscissae.

    Parameters
    ----------
    x
        (N,) strictly increasing tabulated times, seconds from any origin.
    r, v
        (N, 3) positions (km) and velocities (km/s) at ``x``.
    xq
        (Q,) query times, same origin and unit as ``x``; the caller keeps them inside
        ``[x[0], x[-1]]`` (:meth:`OemSegment.interpolate` refuses others).
    method
        ``LAGRANGE``, ``HERMITE`` or ``LINEAR`` (case-insensitive).
    degree
        Polynomial degree (Lagrange: ``degree + 1`` points; Hermite: ``ceil((degree + 1)
        / 2)`` points with their velocities). Fewer tabulated points lower it.

    Returns
    -------
    (Q, 3) positions and (Q, 3) velocities.
    """
    x = np.asarray(x, dtype=float)
    r = np.asarray(r, dtype=float)
    v = np.asarray(v, dtype=float)
    xq = np.atleast_1d(np.asarray(xq, dtype=float))
    method = method.upper()
    if method == "LINEAR":
        method, degree = "LAGRANGE", 1
    if method == "LAGRANGE":
        idx = _windows(x, xq, max(int(degree), 1) + 1)
        basis = _lagrange_basis(x[idx], xq)
        return (np.einsum("qn,qnk->qk", basis, r[idx]),
                np.einsum("qn,qnk->qk", basis, v[idx]))
    if method == "HERMITE":
        n = max(math.ceil((int(degree) + 1) / 2), 2)
        idx = _windows(x, xq, n)
        xw = x[idx]
        L = _lagrange_basis(xw, xq)
        dL = _lagrange_basis_derivative(xw, xq)
        # c_i = L_i'(x_i) = sum over j != i of 1 / (x_i - x_j)
        diff = xw[:, :, None] - xw[:, None, :]
        with np.errstate(divide="ignore"):
            inv = np.where(np.eye(xw.shape[1], dtype=bool)[None], 0.0, 1.0 / diff)
        c = inv.sum(axis=2)
        dt = xq[:, None] - xw
        a = 1.0 - 2.0 * c * dt  # weight of y_i before L_i^2
        L2, dL2 = L * L, 2.0 * L * dL
        w_pos, w_vel = a * L2, dt * L2
        dw_pos = -2.0 * c * L2 + a * dL2
        dw_vel = L2 + dt * dL2
        ry, vy = r[idx], v[idx]
        pos = np.einsum("qn,qnk->qk", w_pos, ry) + np.einsum("qn,qnk->qk", w_vel, vy)
        vel = np.einsum("qn,qnk->qk", dw_pos, ry) + np.einsum("qn,qnk->qk", dw_vel, vy)
        return pos, vel
    raise ValueError(f"interpolation must be one of {INTERPOLATIONS}, not {method!r}")


# --------------------------------------------------------------------------- time


_EPOCH_RE = re.compile(
    r"^(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))T(\d{2}):(\d{2}):(\d{2}(?:\.\d*)?)Z?$")


def _epoch_ns(text: str) -> int:
    """Nanoseconds since 1970 of a CCSDS epoch (``YYYY-MM-DDThh:mm:ss[.f]`` or
    ``YYYY-DDDThh:mm:ss[.f]``), in whatever time system it is written; ValueError if bad."""
    m = _EPOCH_RE.match(text.strip())
    if m is None:
        raise ValueError(text)
    year, month, day, doy, hh, mm, ss = m.groups()
    if doy is not None:
        date = np.datetime64(f"{year}-01-01") + np.timedelta64(int(doy) - 1, "D")
        if str(date)[:4] != year:
            raise ValueError(text)
    else:
        date = np.datetime64(f"{year}-{month}-{day}")
    sec = float(ss)
    if int(hh) > 23 or int(mm) > 59 or sec >= 61.0:
        raise ValueError(text)
    whole = int(sec)
    frac_ns = round((sec - whole) * 1e9) if "." not in ss else int(
        (ss.split(".")[1] + "000000000")[:9])
    return int(date.astype("datetime64[ns]").view(np.int64)) + (
        (int(hh) * 3600 + int(mm) * 60 + whole) * 1_000_000_000 + frac_ns)


def _to_utc_ns(ns: np.ndarray, system: str) -> np.ndarray:
    """Epochs (ns since 1970 read in ``system``) to UTC."""
    if system == "UTC":
        return ns
    from orbitkit.timeutil import _tai_minus_utc_from_tai

    offset_s = {"TAI": 0.0, "GPS": 19.0, "TT": -32.184}[system]
    tai_ns = ns + round(offset_s * 1e9)
    days, rem = np.divmod(tai_ns, _DAY_NS)
    leap = _tai_minus_utc_from_tai(days + 2440587.5, rem / _DAY_NS)
    return tai_ns - np.rint(leap * 1e9).astype(np.int64)


# --------------------------------------------------------------------------- reading


_NORAD_RE = re.compile(r"NORAD(?:_CAT_ID| catalogue number)?\s*[=:]?\s*(\d{1,9})\b")


def _bad(source: str, line: int, what: str, expected: str, found: str) -> ElementFileError:
    return ElementFileError(f"{source}, line {line}: {what}: expected {expected}, found "
                            f"{found!r}")


class _SegmentBuilder:
    def __init__(self, source: str, line: int) -> None:
        self.source, self.line = source, line
        self.meta: dict[str, tuple[str, int]] = {}
        self.comments: list[str] = []
        self.epochs: list[int] = []
        self.states: list[list[float]] = []

    def build(self) -> OemSegment:
        src, meta = self.source, self.meta

        def need(key: str) -> tuple[str, int]:
            if key not in meta:
                raise ElementFileError(f"{src}, segment at line {self.line}: metadata has "
                                       f"no {key} (an OEM segment must give it)")
            return meta[key]

        for key in ("OBJECT_NAME", "OBJECT_ID", "CENTER_NAME", "REF_FRAME", "START_TIME",
                    "STOP_TIME"):
            need(key)
        system, sys_line = need("TIME_SYSTEM")
        system = system.upper()
        if system not in _TIME_SYSTEMS:
            raise _bad(src, sys_line, "TIME_SYSTEM", " or ".join(_TIME_SYSTEMS), system)
        if not self.epochs:
            raise ElementFileError(f"{src}, segment at line {self.line}: no state vectors")
        raw = np.array(self.epochs, dtype=np.int64)
        if np.any(np.diff(raw) <= 0):
            k = int(np.flatnonzero(np.diff(raw) <= 0)[0]) + 1
            raise ElementFileError(f"{src}, segment at line {self.line}: epochs must "
                                   f"increase, but state {k + 1} is not after state {k}")
        states = np.array(self.states, dtype=float)

        def epoch(key: str) -> np.datetime64 | None:
            if key not in meta:
                return None
            text, line = meta[key]
            try:
                ns = _epoch_ns(text)
            except ValueError:
                raise _bad(src, line, key, "YYYY-MM-DDThh:mm:ss[.fff]", text) from None
            return np.int64(_to_utc_ns(np.array([ns]), system)[0]).astype("datetime64[ns]")

        start = epoch("USEABLE_START_TIME")
        start = epoch("START_TIME") if start is None else start
        stop = epoch("USEABLE_STOP_TIME")
        stop = epoch("STOP_TIME") if stop is None else stop
        times = _to_utc_ns(raw, system).astype("datetime64[ns]")
        # the usable span cannot reach past the tabulated states
        start, stop = max(start, times[0]), min(stop, times[-1])
        interp, i_line = meta.get("INTERPOLATION", ("LAGRANGE", 0))
        interp = interp.upper()
        if interp not in INTERPOLATIONS:
            raise _bad(src, i_line, "INTERPOLATION", " or ".join(INTERPOLATIONS), interp)
        degree_text, d_line = meta.get("INTERPOLATION_DEGREE", (str(_DEFAULT_DEGREE), 0))
        try:
            degree = int(degree_text)
            if not 1 <= degree <= 32:
                raise ValueError
        except ValueError:
            raise _bad(src, d_line, "INTERPOLATION_DEGREE", "an integer 1..32",
                       degree_text) from None
        norad = None
        for c in self.comments:
            m = _NORAD_RE.search(c)
            if m:
                norad = int(m.group(1))
                break
        return OemSegment(
            object_name=meta["OBJECT_NAME"][0], object_id=meta["OBJECT_ID"][0],
            center_name=meta["CENTER_NAME"][0].upper(), ref_frame=meta["REF_FRAME"][0].upper(),
            time_system=system, times=times, r_km=states[:, :3], v_km_s=states[:, 3:6],
            start=start, stop=stop, interpolation=interp, interpolation_degree=degree,
            comments=list(self.comments), norad_id=norad, source=src, line=self.line)


def _parse_kvn(text: str, source: str) -> list[OemSegment]:
    segments: list[OemSegment] = []
    current: _SegmentBuilder | None = None
    state = "header"  # header | meta | data | covariance
    saw_version = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("COMMENT"):
            if current is not None and state in ("meta", "data"):
                current.comments.append(line[7:].strip())
            continue
        if line == "META_START":
            if current is not None:
                segments.append(current.build())
            current = _SegmentBuilder(source, number)
            state = "meta"
            continue
        if line == "META_STOP":
            if state != "meta":
                raise _bad(source, number, "META_STOP", "it after META_START", line)
            state = "data"
            continue
        if line == "COVARIANCE_START":
            state = "covariance"
            continue
        if line == "COVARIANCE_STOP":
            state = "data"
            continue
        if state == "covariance":
            continue
        if state in ("header", "meta"):
            if "=" not in line:
                raise _bad(source, number, "keyword line", "KEYWORD = value", line)
            key, value = (part.strip() for part in line.split("=", 1))
            value = re.sub(r"\s*\[[^\]]*\]$", "", value)  # units in brackets
            if state == "header":
                if key == "CCSDS_OEM_VERS":
                    saw_version = True
                continue
            current.meta[key] = (value, number)
            continue
        # data line: epoch x y z vx vy vz [ax ay az]
        fields = line.split()
        if len(fields) not in (7, 10):
            raise _bad(source, number, "state vector", "EPOCH X Y Z X_DOT Y_DOT Z_DOT "
                       "(7 values, or 10 with accelerations)", line)
        try:
            current.epochs.append(_epoch_ns(fields[0]))
        except ValueError:
            raise _bad(source, number, "EPOCH", "YYYY-MM-DDThh:mm:ss[.fff]",
                       fields[0]) from None
        try:
            current.states.append([float(f) for f in fields[1:7]])
        except ValueError:
            raise _bad(source, number, "state vector", "numbers (km, km/s)",
                       " ".join(fields[1:7])) from None
    if not saw_version:
        raise ElementFileError(f"{source}: not a CCSDS OEM (no CCSDS_OEM_VERS line)")
    if current is None:
        raise ElementFileError(f"{source}: an OEM with no segment (no META_START)")
    if state != "data":
        raise ElementFileError(f"{source}: the OEM ends inside a metadata block")
    segments.append(current.build())
    return segments


def _parse_xml(text: str, source: str) -> list[OemSegment]:
    from xml.parsers import expat

    from orbitkit.elements.ccsds_xml import local_name, parse_xml

    segments: list[OemSegment] = []
    stack: list[str] = []
    buf: list[str] = []
    current: _SegmentBuilder | None = None
    vector: dict[str, str] = {}
    saw_oem = False
    parser = expat.ParserCreate()

    def start(tag: str, _attrs: dict) -> None:
        nonlocal current, saw_oem
        name = local_name(tag)
        stack.append(name)
        buf.clear()
        if name == "oem":
            saw_oem = True
        elif name == "segment" and saw_oem:
            current = _SegmentBuilder(source, parser.CurrentLineNumber)
        elif name == "stateVector":
            vector.clear()

    def end(tag: str) -> None:
        name = local_name(tag)
        stack.pop()
        value = "".join(buf).strip()
        buf.clear()
        if current is None:
            return
        parent = stack[-1] if stack else ""
        line = parser.CurrentLineNumber
        if name == "COMMENT" and parent in ("metadata", "data"):
            current.comments.append(value)
        elif parent == "metadata":
            current.meta[name] = (value, line)
        elif parent == "stateVector":
            vector[name] = value
        elif name == "stateVector":
            keys = ("X", "Y", "Z", "X_DOT", "Y_DOT", "Z_DOT")
            missing = [k for k in ("EPOCH", *keys) if k not in vector]
            if missing:
                raise _bad(source, line, "stateVector", "EPOCH, X .. Z_DOT",
                           f"no {', '.join(missing)}")
            try:
                current.epochs.append(_epoch_ns(vector["EPOCH"]))
            except ValueError:
                raise _bad(source, line, "EPOCH", "YYYY-MM-DDThh:mm:ss[.fff]",
                           vector["EPOCH"]) from None
            try:
                current.states.append([float(vector[k]) for k in keys])
            except ValueError:
                raise _bad(source, line, "stateVector", "numbers (km, km/s)",
                           str(vector)) from None
        elif name == "segment":
            segments.append(current.build())

    def chars(data: str) -> None:
        buf.append(data)

    parse_xml(parser, text, source, kind="OEM", start=start, end=end, chars=chars)
    if not saw_oem:
        raise ElementFileError(f"{source}: XML without an <oem> element (not an OEM)")
    if not segments:
        raise ElementFileError(f"{source}: an OEM with no segment")
    return segments


def parse_oem(text: str, *, source: str = "<string>") -> list[OemSegment]:
    """Parse OEM text, KVN or XML (chosen by the first character), into segments.

    Parameters
    ----------
    text
        The message.
    source
        File name used in messages.

    Raises
    ------
    ElementFileError
        A malformed message: the file, the line, what was expected and what was found.
    """
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("<"):
        return _parse_xml(body, source)
    return _parse_kvn(text, source)


def looks_like_oem(text: str) -> bool:
    """True when ``text`` starts like an OEM (KVN ``CCSDS_OEM_VERS`` or XML ``<oem``)."""
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    return head.startswith("CCSDS_OEM_VERS") or (head.startswith("<") and "<oem" in head)


# --------------------------------------------------------------------------- writing


def _stamp(t: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(np.asarray(t).astype("datetime64[us]"), unit="us")


def _created(created: datetime | None) -> str:
    return (created or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def write_oem_kvn(segments: Sequence[OemSegment], *, created: datetime | None = None,
                  originator: str = "orbitkit") -> str:
    """OEM KVN text (``CCSDS_OEM_VERS = 2.0``) of ``segments``; epochs in their
    :attr:`~OemSegment.time_system`, which must be UTC."""
    lines = ["CCSDS_OEM_VERS = 2.0", f"CREATION_DATE = {_created(created)}",
             f"ORIGINATOR = {originator}"]
    for seg in segments:
        _check_writable(seg)
        lines += ["", "META_START"]
        lines += [f"COMMENT {c}" for c in seg.comments]
        lines += [
            f"OBJECT_NAME = {seg.object_name}",
            f"OBJECT_ID = {seg.object_id}",
            f"CENTER_NAME = {seg.center_name}",
            f"REF_FRAME = {seg.ref_frame}",
            f"TIME_SYSTEM = {seg.time_system}",
            f"START_TIME = {_stamp(seg.times[0])}",
            f"USEABLE_START_TIME = {_stamp(seg.start)}",
            f"USEABLE_STOP_TIME = {_stamp(seg.stop)}",
            f"STOP_TIME = {_stamp(seg.times[-1])}",
            f"INTERPOLATION = {seg.interpolation}",
            f"INTERPOLATION_DEGREE = {seg.interpolation_degree}",
            "META_STOP",
            "",
        ]
        stamps = _stamp(seg.times)
        table = np.concatenate((seg.r_km, seg.v_km_s), axis=1)
        body = np.char.add(stamps, "")
        cols = [np.char.mod("%.9f", table[:, k]) for k in range(3)]
        cols += [np.char.mod("%.12f", table[:, k]) for k in range(3, 6)]
        for col in cols:
            body = np.char.add(np.char.add(body, " "), col)
        lines += body.tolist()
    return "\n".join(lines) + "\n"


def write_oem_xml(segments: Sequence[OemSegment], *, created: datetime | None = None,
                  originator: str = "orbitkit") -> str:
    """OEM in NDM/XML (one ``<oem>`` with a ``<segment>`` per segment)."""

    def tag(key: str, value: Any) -> str:
        return f"<{key}>{escape(str(value))}</{key}>"

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<oem xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:noNamespaceSchemaLocation="https://sanaregistry.org/r/ndmxml_unqualified/'
           'ndmxml-2.0.0-master-2.0.xsd" id="CCSDS_OEM_VERS" version="2.0">',
           f"<header>{tag('CREATION_DATE', _created(created))}"
           f"{tag('ORIGINATOR', originator)}</header>", "<body>"]
    for seg in segments:
        _check_writable(seg)
        out.append("<segment><metadata>" + "".join(tag("COMMENT", c) for c in seg.comments)
                   + tag("OBJECT_NAME", seg.object_name) + tag("OBJECT_ID", seg.object_id)
                   + tag("CENTER_NAME", seg.center_name) + tag("REF_FRAME", seg.ref_frame)
                   + tag("TIME_SYSTEM", seg.time_system)
                   + tag("START_TIME", _stamp(seg.times[0]))
                   + tag("USEABLE_START_TIME", _stamp(seg.start))
                   + tag("USEABLE_STOP_TIME", _stamp(seg.stop))
                   + tag("STOP_TIME", _stamp(seg.times[-1]))
                   + tag("INTERPOLATION", seg.interpolation)
                   + tag("INTERPOLATION_DEGREE", seg.interpolation_degree)
                   + "</metadata><data>")
        stamps = _stamp(seg.times).tolist()
        r, v = seg.r_km.tolist(), seg.v_km_s.tolist()
        for s, (x, y, z), (vx, vy, vz) in zip(stamps, r, v, strict=True):
            out.append(f"<stateVector><EPOCH>{s}</EPOCH><X>{x:.9f}</X><Y>{y:.9f}</Y>"
                       f"<Z>{z:.9f}</Z><X_DOT>{vx:.12f}</X_DOT><Y_DOT>{vy:.12f}</Y_DOT>"
                       f"<Z_DOT>{vz:.12f}</Z_DOT></stateVector>")
        out.append("</data></segment>")
    out += ["</body>", "</oem>"]
    return "\n".join(out) + "\n"


def _check_writable(seg: OemSegment) -> None:
    if seg.time_system != "UTC":
        raise ValueError("orbitkit writes OEM epochs in UTC only")
    if not np.all(np.isfinite(seg.r_km)) or not np.all(np.isfinite(seg.v_km_s)):
        raise ValueError(f"segment {seg.object_name}: NaN states cannot be written")


def _runs(ok: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index ranges of consecutive True values."""
    edges = np.diff(np.concatenate(([0], ok.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(),
                    strict=True))


def ephemeris_segments(eph: Any, frame: str = "gcrs", *,
                       degree: int = _DEFAULT_DEGREE) -> tuple[list[OemSegment], list[str]]:
    """OEM segments of an :class:`~orbitkit.propagation.Ephemeris`, one per satellite and
    run of computed samples.

    Parameters
    ----------
    eph
        The propagated states.
    frame
        ``gcrs`` (written as GCRF), ``itrs`` (ITRF) or ``teme`` (TEME).
    degree
        INTERPOLATION_DEGREE of the Lagrange hint (lowered for short runs).

    Returns
    -------
    (segments, notes)
        ``notes`` name the samples left out (failed runs, runs of one sample).
    """
    if frame not in OEM_FRAMES:
        raise UserError(f"an OEM holds Cartesian states in {', '.join(OEM_FRAMES)} "
                        f"(written as {', '.join(OEM_FRAMES.values())}), not {frame!r}")
    r, v = eph.position(frame)
    segments: list[OemSegment] = []
    notes: list[str] = []
    frame_note = {
        "gcrs": "GCRF: orbitkit's GCRS (SGP4 TEME rotated with skyfield's precession-"
                "nutation, as skyfield's EarthSatellite.at() does)",
        "itrs": "ITRF: SGP4 TEME rotated by GMST 1982 on UT1 without polar motion (the "
                "SGP4 reference's Earth-fixed frame; polar motion, a rotation of about 0.3 "
                "arcsec, would move LEO states by about 10 m and GEO by about 60 m)",
        "teme": "TEME: SGP4's own true-equator mean-equinox frame",
    }[frame]
    for i, es in enumerate(eph.element_sets):
        ok = eph.ok[i] & np.all(np.isfinite(r[i]), axis=1)
        norad = getattr(es, "norad_id", None)
        kind = getattr(es, "kind", "") or "SGP4"
        what = ("the nominal design orbit" if es.is_nominal else
                "SGP4 elements" if kind in ("tle", "omm", "cache", "celestrak", "SGP4")
                else f"{kind} states")
        # where an object's element set changes (several sets switching along the span),
        # its states jump: each set gets its own segment, never one interpolated across
        epochs_used = getattr(es, "epochs_used", None)
        used = epochs_used(eph.jd, eph.fr) if callable(epochs_used) else None
        if used is None:
            epoch = getattr(es, "epoch", None)
            used = np.full(ok.size, np.datetime64(epoch.astimezone(UTC).replace(
                tzinfo=None), "us") if epoch else np.datetime64("NaT", "us"))
        cut = np.zeros(ok.size, dtype=bool)
        cut[1:] = used[1:] != used[:-1]
        set_index = getattr(es, "set_index", None)
        which = set_index(eph.jd, eph.fr) if callable(set_index) else None
        for a, b in _runs(ok):
            bounds = [a, *(np.flatnonzero(cut[a + 1:b]) + a + 1).tolist(), b]
            for a2, b2 in zip(bounds[:-1], bounds[1:], strict=True):
                if b2 - a2 < 2:
                    notes.append(f"{es.name} (NORAD {norad}): 1 lone sample left out "
                                 "(an OEM segment needs at least 2 states)")
                    continue
                stamp = (f" of epoch {np.datetime_as_string(used[a2], unit='us')}Z"
                         if not np.isnat(used[a2]) else "")
                used_set = es.sets[int(which[a2])] if which is not None else es
                comments = [
                    f"Generated by orbitkit from {what}{stamp} ({used_set.source}: "
                    f"{used_set.origin})",
                    f"NORAD_CAT_ID = {norad}" if norad is not None else "NORAD_CAT_ID unknown",
                    f"Frame {frame_note}",
                ]
                if es.is_nominal:
                    comments.insert(0, "NOMINAL DESIGN ORBIT from the orbitkit catalogue, not "
                                       "a tracked object: positions are illustrative")
                times = eph.times[a2:b2].astype("datetime64[ns]")
                segments.append(OemSegment(
                    object_name=es.name, object_id=es.cospar_id or str(norad or es.name),
                    center_name="EARTH", ref_frame=OEM_FRAMES[frame], time_system="UTC",
                    times=times, r_km=r[i, a2:b2], v_km_s=v[i, a2:b2], start=times[0],
                    stop=times[-1], interpolation="LAGRANGE",
                    interpolation_degree=int(min(degree, b2 - a2 - 1)), comments=comments,
                    norad_id=norad, index=i))
        lost = int((~ok).sum())
        if lost:
            notes.append(f"{es.name} (NORAD {norad}): {lost} sample(s) that could not be "
                         "computed are not in the OEM (the object's segments stop there)")
    return segments, notes


def segments_by_object(segments: Iterable[OemSegment]) -> dict[str, list[OemSegment]]:
    """Segments grouped by OBJECT_ID, in file order."""
    out: dict[str, list[OemSegment]] = {}
    for seg in segments:
        out.setdefault(seg.object_id, []).append(seg)
    return out
