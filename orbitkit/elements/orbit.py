"""One interface for every orbit source: what an orbit is, what a source answers.

Every analysis (ephemeris, passes, sky views, coverage, ground tracks) needs one thing of
an object: its position and velocity at chosen instants. Where they come from (SGP4 on a
TLE or OMM, a CelesTrak snapshot in the cache, a nominal design orbit, a GNSS broadcast
ephemeris, a precise SP3 file, a CCSDS OEM) is the business of a *source*, and nothing
downstream asks which one it was. Two small types carry that contract:

:class:`Orbit`
    One object's orbit from one source. It says who the object is (``norad_id`` when the
    catalogue maps it, else ``None``; ``prn`` such as ``"C19"``; ``name``), what kind of
    source it came from (``kind``: one of :data:`ORBIT_KINDS`), the frame its states come
    in natively (``frame``: ``"teme"``, ``"itrs"`` or ``"gcrs"``) and the span in which
    those states are valid (``span``; ``None`` for element sets, which are judged by
    their age instead). :meth:`Orbit.states` gives states in the native frame at two-part
    UTC Julian dates, with a status code per sample; :meth:`Orbit.batch_states` does the
    same for many orbits of one type at once (SGP4 hands them all to one C++ call).
    :class:`orbitkit.elements.model.ElementSet` (one SGP4 set) and
    :class:`orbitkit.elements.switching.ElementSetSeries` (several sets of one object,
    switching along the window) are Orbits.

:class:`OrbitSource`
    Where orbits come from. Asked for the target's members over a span
    (:class:`OrbitRequest`), it answers with the orbits it has, the reasons it has none for
    others, and warnings (:class:`SourceAnswer`).
    :func:`orbitkit.elements.sources.load_element_sets` asks the sources in order (the
    user's files, the cache + CelesTrak, the nominal design orbits), each only for the
    members the earlier ones did not cover, and never looks inside one.

Propagation (:func:`orbitkit.propagation.propagate`) asks orbits for states over a grid
through :func:`evaluate` and converts from the native frame to whatever is asked (TEME,
GCRS, ITRS, geodetic, topocentric; :mod:`orbitkit.frames`). The pass search uses the same
states through a generic orbit model (:mod:`orbitkit.orbit_model`), so any source works in
every analysis.

How to add a source (e.g. RINEX navigation, SP3, OEM)
-----------------------------------------------------
1. Write one module (e.g. ``orbitkit/gnss/broadcast_source.py``). In it, a subclass of
   :class:`Orbit` per object: set ``kind`` (``"broadcast"``, ``"precise"``, ``"oem"``),
   ``frame`` (``"itrs"`` for broadcast and SP3; ``"gcrs"`` for an OEM in GCRF, after
   turning EME2000 into GCRS yourself; ``"itrs"`` for an OEM in ITRF), ``span`` (first and
   last valid instant, aware UTC), ``norad_id`` (from the catalogue, e.g. BeiDou-3 PRNs in
   ``catalog/beidou-3.toml``; ``None`` when unmapped), ``prn``, ``name``, and
   ``cospar_id``, ``source`` (= the kind), ``origin`` (file and line) and ``epoch`` (the
   start of the span, or a reference epoch); give ``status_messages`` for your nonzero
   codes and, optionally, ``epochs_used`` (the record in use at each instant, e.g. its
   toe: passes then say which record they used); implement
   :meth:`Orbit.states` (vectorised over times: no Python loop over time steps) and,
   when many satellites can share one call, override :meth:`Orbit.batch_states`. Return
   status 0 for good samples and a nonzero code (NaN states) for bad ones; never
   extrapolate: :func:`evaluate` refuses times outside ``span`` before calling you
   (:class:`OutsideSpanError`, the span in the message).
2. In the same module, a subclass of :class:`OrbitSource` whose :meth:`OrbitSource.answer`
   returns an Orbit for each member it knows (match on ``member.norad_id`` or
   ``member.prn``), and :meth:`OrbitSource.find_token` for targets that only it can name
   (``"C19"``, ``"G05"``, a system key like ``"gps"``).
3. For ``--elements FILE``: add a line to :data:`FILE_SOURCES` naming your module's
   ``claims(path, head) -> bool`` (does this file look like mine? ``head`` is its first
   4 kB, gunzipped) and ``open_files(paths) -> OrbitSource``. Files nobody claims are read
   as TLE/OMM. Read your files with :func:`orbitkit.elements.files.read_input_bytes` or
   ``open_text``, so that ``-`` (standard input), pipes and gzip work as for element files
   (a pipe is read once and kept, so claiming it does not consume it).

``tests/orbit_source_example.py`` is a complete toy source in ~100 lines (ITRS states, a
span, a PRN, a file format of its own), and ``tests/test_orbit_interface.py`` runs every
analysis on it.

That is all: ``load_element_sets`` returns your orbits in ``ElementResolution.sets``, and
``propagate``, ``find_passes``, ``sky_view``, ``ground_track`` and coverage take them like
element sets. Results say the source kind (``Ephemeris.to_dict()`` per satellite,
``"source_kind"``).
"""

from __future__ import annotations

import gzip
import importlib
import os
import stat
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from orbitkit.errors import UserError

if TYPE_CHECKING:
    from orbitkit.catalog import Catalog, Member

__all__ = [
    "ORBIT_KINDS",
    "NATIVE_FRAMES",
    "OUTSIDE_SPAN_CODE",
    "Orbit",
    "Switch",
    "OrbitRequest",
    "SourceAnswer",
    "OrbitSource",
    "OutsideSpanError",
    "FILE_SOURCES",
    "evaluate",
    "check_spans",
    "check_times",
    "open_file_sources",
]

#: What kind of source an orbit came from, as results report it.
ORBIT_KINDS = ("tle", "omm", "cache", "celestrak", "nominal", "broadcast", "precise", "oem")

#: Frames a source may give states in natively; :mod:`orbitkit.frames` converts between
#: them (TEME ↔ ITRS by GMST 1982 on UT1, TEME ↔ GCRS through true-of-date).
NATIVE_FRAMES = ("teme", "itrs", "gcrs")

#: Status code of a sample outside an orbit's soft start (e.g. before its launch); sgp4's
#: own codes are 1-6.
OUTSIDE_SPAN_CODE = 7

_J2000 = 2451545.0


class OutsideSpanError(UserError):
    """Times were asked of an orbit outside the span its source covers (no extrapolation)."""


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _jd_of(t: datetime) -> float:
    """Days since J2000 (UTC) of an aware datetime, as float (µs precision)."""
    return (t - datetime(2000, 1, 1, 12, tzinfo=UTC)).total_seconds() / 86400.0


@dataclass(frozen=True)
class Switch:
    """An orbit changing from one element set (or record) to the next at ``time_utc``.

    ``jump_km`` is the distance between the two sets' positions at that instant: how far
    the satellite seems to jump when the switch happens.
    """

    norad_id: int | None
    name: str
    time_utc: datetime
    from_epoch_utc: datetime
    to_epoch_utc: datetime
    jump_km: float

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "element_switch", "norad_id": self.norad_id, "name": self.name,
                "time_utc": _iso(self.time_utc), "from_epoch_utc": _iso(self.from_epoch_utc),
                "to_epoch_utc": _iso(self.to_epoch_utc), "jump_km": round(self.jump_km, 3)}

    def message(self) -> str:
        return (f"{self.name} ({self.norad_id}): element sets switch at "
                f"{self.time_utc:%Y-%m-%d %H:%M:%S}Z (midway between epochs "
                f"{self.from_epoch_utc:%Y-%m-%d %H:%M}Z and {self.to_epoch_utc:%Y-%m-%d %H:%M}Z);"
                f" the position jumps {self.jump_km:,.1f} km there")


class Orbit:
    """One object's orbit from one source (see the module notes for the contract).

    Subclasses set the attributes below (as class attributes, dataclass fields or
    properties) and implement :meth:`states`.

    Attributes
    ----------
    norad_id
        Catalogue number, or ``None`` when the catalogue does not map the object.
    name
        Object name for people.
    prn
        GNSS PRN as RINEX writes it (``"C19"``), or ``None``.
    cospar_id
        International designator, or ``None``.
    kind
        One of :data:`ORBIT_KINDS`.
    source
        The coarse source (``"file"``, ``"cache"``, ``"celestrak"``, ``"nominal"`` for
        element sets; the kind for the others).
    origin
        Where it came from (file and line, cache file, URL).
    frame
        Native frame of :meth:`states`: one of :data:`NATIVE_FRAMES`.
    epoch
        Reference epoch (element epoch; for files of states, the start of their span).
    span
        ``(first, last)`` valid instants (aware UTC), or ``None`` when unbounded.
        :func:`evaluate` refuses times outside it.
    valid_from
        A soft start (e.g. the object's launch): samples before it get status
        :data:`OUTSIDE_SPAN_CODE` instead of a refusal. ``None`` for none.
    """

    # Annotations only for what element sets hold as dataclass fields (a default here
    # would leak into their generated __init__); subclasses set every one of them.
    norad_id: int | None
    name: str
    cospar_id: str | None
    source: str
    origin: str
    epoch: datetime | None
    prn: str | None = None
    kind: str = ""
    frame: str = "teme"
    span: tuple[datetime, datetime] | None = None
    valid_from: datetime | None = None
    #: Messages per status code of :meth:`states` (beyond :data:`OUTSIDE_SPAN_CODE`).
    status_messages: ClassVar[dict[int, str]] = {}

    @property
    def is_nominal(self) -> bool:
        """True when positions are illustrative (a design orbit, not a tracked one)."""
        return self.kind == "nominal"

    def states(self, jd: np.ndarray, fr: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """States in :attr:`frame` at two-part UTC Julian dates (T,).

        Returns
        -------
        error : (T,) uint8
            0 for a good sample; a nonzero code otherwise.
        r_km, v_km_s : (T, 3) float64
            Position and velocity in the native frame; NaN where ``error`` is nonzero.
        """
        raise NotImplementedError

    @classmethod
    def batch_states(cls, orbits: Sequence[Orbit], jd: np.ndarray, fr: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`states` of several orbits of this class: (S, T), (S, T, 3), (S, T, 3).

        The default calls :meth:`states` once per orbit (a loop over satellites, never
        over times); override it when one call can serve many satellites.
        """
        n_s, n_t = len(orbits), np.size(jd)
        err = np.empty((n_s, n_t), dtype=np.uint8)
        r = np.empty((n_s, n_t, 3))
        v = np.empty((n_s, n_t, 3))
        for i, orbit in enumerate(orbits):
            err[i], r[i], v[i] = orbit.states(jd, fr)
        return err, r, v

    def epochs_used(self, jd: np.ndarray, fr: np.ndarray) -> np.ndarray | None:
        """(T,) ``datetime64[us]`` epoch of the set (or record) used at each instant, or
        ``None`` when the orbit has no such notion."""
        return None

    def switches(self, start: datetime, stop: datetime) -> list[Switch]:
        """Changes of element set (or record) within ``[start, stop]``; none by default."""
        return []

    def status_message(self, code: int) -> str:
        if code == OUTSIDE_SPAN_CODE:
            when = f" ({_iso(self.valid_from)})" if self.valid_from else ""
            return f"before the start of its orbit{when}, e.g. its launch"
        return self.status_messages.get(code, f"{self.kind} status {code}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (no states)."""
        return {"norad_id": self.norad_id, "name": self.name, "prn": self.prn,
                "cospar_id": self.cospar_id, "source": self.source, "source_kind": self.kind,
                "origin": self.origin, "frame": self.frame,
                "epoch_utc": _iso(self.epoch) if self.epoch else None,
                "span_utc": [_iso(t) for t in self.span] if self.span else None}

    def age_days(self, at: datetime | None = None) -> float:
        """Days from :attr:`epoch` to ``at`` (default now); 0 without an epoch."""
        if self.epoch is None:
            return 0.0
        return ((at or datetime.now(UTC)) - self.epoch).total_seconds() / 86400.0


def check_spans(orbits: Sequence[Any], start: datetime, stop: datetime) -> None:
    """Refuse a window that leaves the span of any orbit (no extrapolation).

    Raises
    ------
    OutsideSpanError
        Naming the object, its source and its span, and the window asked for.
    """
    for orbit in orbits:
        span = getattr(orbit, "span", None)
        if span is None:
            continue
        first, last = span
        # a microsecond of slack: grids built from the span's own ends round-trip through
        # datetime64 and float Julian dates
        slack = timedelta(microseconds=1)
        if start < first - slack or stop > last + slack:
            who = orbit.prn or orbit.name
            number = f" (NORAD {orbit.norad_id})" if orbit.norad_id is not None else ""
            raise OutsideSpanError(
                f"{who}{number}: the {orbit.kind} orbit from {orbit.origin or 'its source'} "
                f"covers {_iso(first)} .. {_iso(last)}, but {_iso(start)} .. {_iso(stop)} "
                "was asked; orbitkit does not extrapolate beyond a source's span: choose "
                "times inside it or give a source that covers them")


def check_times(orbits: Sequence[Any], jd: np.ndarray, fr: np.ndarray) -> None:
    """:func:`check_spans` for the earliest and latest of two-part UTC Julian dates."""
    if not any(getattr(o, "span", None) is not None for o in orbits) or np.size(jd) == 0:
        return
    days = (np.asarray(jd, dtype=np.float64) - _J2000) + np.asarray(fr, dtype=np.float64)
    lo, hi = int(np.argmin(days)), int(np.argmax(days))
    check_spans(orbits, _datetime_of(jd[lo], fr[lo]), _datetime_of(jd[hi], fr[hi]))


def _datetime_of(jd: float, fr: float) -> datetime:
    days = (jd - _J2000) + fr
    return datetime(2000, 1, 1, 12, tzinfo=UTC) + timedelta(microseconds=round(days * 864e8))


def evaluate(orbits: Sequence[Any], jd: np.ndarray, fr: np.ndarray, *, check: bool = True
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """States of many orbits at T instants, each in its native frame.

    Orbits are grouped by class and each group goes through its class's
    :meth:`Orbit.batch_states` in one call. Samples before an orbit's ``valid_from`` get
    status :data:`OUTSIDE_SPAN_CODE` and NaN states.

    Parameters
    ----------
    orbits
        S orbits (any mix of sources).
    jd, fr
        Two-part UTC Julian dates, (T,).
    check
        Refuse instants outside an orbit's ``span`` (:func:`check_spans`).

    Returns
    -------
    error (S, T) uint8, r (S, T, 3), v (S, T, 3), frames (S native frame names)
    """
    jd = np.asarray(jd, dtype=np.float64)
    fr = np.asarray(fr, dtype=np.float64)
    n_s, n_t = len(orbits), jd.size
    if check:
        check_times(orbits, jd, fr)
    # grouped by the batch function itself, so subclasses that share it (TLE and OMM
    # element sets) go through one call
    groups: dict[Any, list[int]] = {}
    for i, orbit in enumerate(orbits):
        batch = type(orbit).batch_states
        groups.setdefault(getattr(batch, "__func__", batch), []).append(i)
    if len(groups) == 1:
        err, r, v = type(orbits[0]).batch_states(list(orbits), jd, fr)
    else:
        err = np.empty((n_s, n_t), dtype=np.uint8)
        r = np.empty((n_s, n_t, 3))
        v = np.empty((n_s, n_t, 3))
        for idx in groups.values():
            members = [orbits[i] for i in idx]
            e_g, r_g, v_g = type(members[0]).batch_states(members, jd, fr)
            err[idx], r[idx], v[idx] = e_g, r_g, v_g
    starts = [(i, o.valid_from) for i, o in enumerate(orbits)
              if getattr(o, "valid_from", None) is not None]
    if starts:
        days = (jd - _J2000) + fr
        for i, t0 in starts:
            before = days < _jd_of(t0)
            if before.any():
                err[i, before] = OUTSIDE_SPAN_CODE
                r[i, before] = np.nan
                v[i, before] = np.nan
    return err, r, v, [getattr(o, "frame", "teme") for o in orbits]


# --------------------------------------------------------------------------- sources


@dataclass
class OrbitRequest:
    """What :meth:`OrbitSource.answer` is asked.

    Attributes
    ----------
    members
        The target's members still without an orbit (catalogue members, or bare objects
        known by NORAD number, PRN or name).
    at
        Start of the span (aware UTC): sets are chosen for it.
    until
        End of the span, or ``None`` for the single instant ``at``: sources with several
        sets of one object switch between them along ``[at, until]``.
    catalog
        The catalogue the target was resolved against.
    offline
        True when the network must not be touched.
    max_age_h
        Cache age (hours) beyond which a source may refresh it.
    allow_fetch
        False keeps this request off the network even when it is allowed.
    starts
        Position -> the instant a member's orbit starts when that is inside the span (its
        launch): give the orbit ``valid_from`` that instant and choose its sets from it.
    """

    members: list[Member]
    at: datetime
    until: datetime | None
    catalog: Catalog
    offline: bool = True
    max_age_h: float = 24.0
    allow_fetch: bool = True
    starts: dict[int, datetime] = field(default_factory=dict)


@dataclass
class SourceAnswer:
    """What a source found for an :class:`OrbitRequest`.

    Attributes
    ----------
    orbits
        Position in ``request.members`` -> the orbit for that member.
    reasons
        Position -> why this source has none (shown when no later source has one either).
    warnings
        For the user (bad records skipped, old cache, ...).
    tried
        Short descriptions of what was tried, in order (for "nothing found" messages).
    all_sets
        Every element set the source read (several per object possible), for
        :attr:`orbitkit.elements.sources.ElementResolution.all_sets`.
    """

    orbits: dict[int, Orbit] = field(default_factory=dict)
    reasons: dict[int, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)
    all_sets: list[Any] = field(default_factory=list)


class OrbitSource:
    """Where orbits come from: files, the cache and CelesTrak, design orbits, GNSS files.

    Subclasses set :attr:`kind` and implement :meth:`answer`; :meth:`find_token` and
    :meth:`object_name` are optional.
    """

    #: The source kind (one of :data:`ORBIT_KINDS`, or ``"file"`` for TLE/OMM files whose
    #: sets report ``"tle"`` or ``"omm"`` each).
    kind: str = ""

    def find_token(self, token: str) -> list[Member]:
        """Objects this source alone can name (a name in a file, a PRN, a COSPAR id).

        Called for target tokens the catalogue does not know; return bare members
        (:func:`bare_member`), or an empty list.
        """
        return []

    def object_name(self, norad_id: int) -> tuple[str, str | None] | None:
        """``(name, cospar_id)`` this source gives an object outside the catalogue."""
        return None

    def answer(self, request: OrbitRequest) -> SourceAnswer:
        """Orbits for the members of ``request`` that this source has."""
        raise NotImplementedError


def bare_member(norad_id: int | None, name: str | None = None, cospar_id: str | None = None,
                prn: str | None = None) -> Member:
    """A member outside the catalogue, known by NORAD number (or by PRN / name only)."""
    from orbitkit.catalog import Member

    label = name or (f"NORAD {norad_id}" if norad_id is not None else prn or "unknown")
    return Member(name=label, system_key="", orbit_class=None, status="active",
                  norad_id=norad_id, cospar_id=cospar_id, prn=prn)


#: File readers for ``--elements``: ``(kind, "module:claims", "module:open_files")``.
#: ``claims(path, head: bytes) -> bool`` says whether a file is of that kind (``head``: its
#: first 4 kB, decompressed when gzipped); ``open_files(paths) -> OrbitSource`` reads all
#: files of that kind. Tried in order; files nobody claims are TLE/OMM element files.
FILE_SOURCES: list[tuple[str, str, str]] = [
    ("gnss", "orbitkit.gnss.sources:claims", "orbitkit.gnss.sources:open_files"),
    ("oem", "orbitkit.elements.oem_source:claims", "orbitkit.elements.oem_source:open_files"),
]


def _head(path: str | Path, size: int = 4096) -> bytes:
    """The first ``size`` bytes of an input (gunzipped); empty when it cannot be read.

    A regular file is opened and only its head read. Standard input (``-``), pipes and
    process substitution can be read once: they go through
    :func:`orbitkit.elements.files.read_input_bytes`, which keeps what it read, so the
    reader that claims the input (or the TLE/OMM reader) still gets all of it.
    """
    text = os.fspath(path)
    try:
        if text != "-" and stat.S_ISREG(os.stat(text).st_mode):
            with open(text, "rb") as fh:
                head = fh.read(size)
            if head[:2] == b"\x1f\x8b":
                with gzip.open(text, "rb") as fh:
                    head = fh.read(size)
            return head
        from orbitkit.elements.files import read_input_bytes

        return read_input_bytes(text)[:size]
    except (UserError, OSError, EOFError, gzip.BadGzipFile, zlib.error):
        return b""  # the TLE/OMM reader then says what is wrong with it


def _load(ref: str) -> Any:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def open_file_sources(paths: Sequence[str | Path]) -> tuple[list[OrbitSource], list[str | Path]]:
    """Sources for the files that a registered reader claims, and the remaining paths.

    Returns
    -------
    (sources, rest)
        One source per claiming reader (all its files together), in :data:`FILE_SOURCES`
        order; ``rest`` are the files to read as TLE/OMM.
    """
    if not FILE_SOURCES:
        return [], list(paths)
    claimed: dict[int, list[str | Path]] = {}
    rest: list[str | Path] = []
    claims = [_load(c) for _, c, _ in FILE_SOURCES]
    for path in paths:
        # standard input and pipes are peeked at through files.read_input_bytes, which keeps
        # what it read: the reader that claims them (or the TLE/OMM reader) gets all of it
        head = _head(path)
        for k, claim in enumerate(claims):
            if head and claim(Path(path), head):
                claimed.setdefault(k, []).append(path)
                break
        else:
            rest.append(path)
    sources = [_load(FILE_SOURCES[k][2])(files) for k, files in sorted(claimed.items())]
    return sources, rest
