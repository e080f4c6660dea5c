"""The endpoints of ``orbitkit serve`` as plain functions of their query parameters.

No web framework here: :class:`PlanningApi` takes a mapping of query parameters and
returns JSON-ready objects (or text for the calendar/CSV exports), raising
:class:`~orbitkit.errors.UserError` subclasses for bad input. :mod:`orbitkit.web.app` maps
those to HTTP statuses with a ``{"error": ...}`` body.

One code path with the CLI
--------------------------
Every number comes from the functions the verbs call, with the same defaults:

* ``planning`` -- the sets of a coverage TARGET (:mod:`orbitkit.coverage_targets`, chosen
  at the day's start as ``orbitkit coverage`` chooses them, docked objects once), one
  :func:`~orbitkit.propagation.propagate` over the day's epochs, then
  :func:`orbitkit.coverage.site_series` -- exactly ``orbitkit coverage TARGET --site
  LAT,LON --start DAY --step-min M --mask-deg E``; the sky from
  :func:`orbitkit.skyview.sky_view` (``orbitkit skyplot``);
* ``passes`` -- :func:`orbitkit.passes.find_passes` written by
  :func:`orbitkit.export.passes_json_records` / :func:`~orbitkit.export.passes_to_csv` /
  :func:`orbitkit.ical.passes_to_ical`, as ``orbitkit passes --format json|csv|ics``;
* ``groundtrack`` -- :func:`orbitkit.groundtrack.ground_track`;
* ``pdopmap`` -- :func:`orbitkit.coverage.compute_coverage` on the global grid.

Bounds
------
The CLI's own limits apply (epochs, point-epochs, samples), and the web adds tighter ones
(:data:`LIMITS`) so that one visitor's request finishes in seconds. Computations run one
at a time (sgp4's satellite records are shared between requests and are not thread-safe);
a request that waits longer than :data:`BUSY_WAIT_S` for its turn is refused with 503.

What a request may touch
------------------------
Only the element files given at start-up (read again per resolution, as the CLI reads
them), the element cache as the CLI uses it (network only without ``--offline``), the
catalogue and the package's own data. No parameter names a file.
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from orbitkit.errors import UserError

__all__ = ["LIMITS", "ApiError", "PlanningApi"]

#: Web bounds (the CLI's limits apply as well). Documented in the README.
LIMITS: dict[str, float] = {
    "step_min_min": 1.0,           # planning: at most 1,440 epochs over the day
    "step_min_max": 60.0,
    "passes_days_max": 14.0,       # the LEO staleness limit: further out is not trusted
    "map_point_epochs_max": 2.0e6,  # world PDOP map: ~1 s of coverage kernel
    "map_resolution_deg_min": 2.0,
    "track_hours_max": 6.0,
    "track_step_s_min": 10.0,
    "horizon_chars_max": 20_000,
    "target_chars_max": 200,
}

#: Longest wait (s) for the computation slot before a request is refused as busy.
BUSY_WAIT_S = 30.0

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ApiError(UserError):
    """A user error with its HTTP status (default 400)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# ----------------------------------------------------------------------------- parameters


def _text(q: Mapping[str, str], name: str, default: str | None = None,
          max_chars: float = 200) -> str:
    value = q.get(name)
    if value is None or not value.strip():
        if default is None:
            raise ApiError(f"parameter {name!r} is missing")
        return default
    value = value.strip()
    if len(value) > max_chars:
        raise ApiError(f"parameter {name!r}: at most {max_chars:.0f} characters, got "
                       f"{len(value)}")
    return value


def _number(q: Mapping[str, str], name: str, default: float | None, lo: float, hi: float,
            *, hi_open: bool = False, lo_open: bool = False) -> float:
    raw = q.get(name)
    if raw is None or not raw.strip():
        if default is None:
            raise ApiError(f"parameter {name!r} is missing")
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(f"parameter {name!r}: expected a number, got {raw[:40]!r}") from None
    too_low = value <= lo if lo_open else value < lo
    too_high = value >= hi if hi_open else value > hi
    if not math.isfinite(value) or too_low or too_high:
        left = "(" if lo_open else "["
        right = ")" if hi_open else "]"
        raise ApiError(f"parameter {name!r}: {raw[:40]} is outside {left}{lo:g}, {hi:g}{right}")
    return value


def _day(q: Mapping[str, str], name: str = "date") -> datetime:
    raw = _text(q, name)
    if not _DATE_RE.match(raw):
        raise ApiError(f"parameter {name!r}: expected a UTC day YYYY-MM-DD, got {raw[:40]!r}")
    try:
        return datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise ApiError(f"parameter {name!r}: {raw!r} is not a calendar day") from None


def _place(q: Mapping[str, str]) -> Any:
    """The site of ``lat``/``lon`` (degrees) and optional ``alt_m``."""
    from orbitkit.sites import parse_site

    lat = _number(q, "lat", None, -90.0, 90.0)
    lon = _number(q, "lon", None, -180.0, 360.0)
    alt_m = _number(q, "alt_m", 0.0, -500.0, 9000.0)
    return parse_site(f"{lat:.10g},{lon:.10g}" + (f",{alt_m:.10g}" if alt_m else ""))


def _horizon(q: Mapping[str, str]) -> Any:
    from orbitkit.passes import parse_horizon

    raw = q.get("horizon")
    if raw is None or not raw.strip():
        return None
    if len(raw) > LIMITS["horizon_chars_max"]:
        raise ApiError(f"parameter 'horizon': at most {LIMITS['horizon_chars_max']:.0f} "
                       f"characters, got {len(raw)}")
    # a one-line query value may separate its pairs with ';' (a file has one per line)
    text = raw if "\n" in raw else raw.replace(";", "\n")
    return parse_horizon(text, source="horizon")


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _round_list(a: np.ndarray, digits: int) -> list[float | None]:
    out = np.round(np.asarray(a, dtype=float), digits)
    return [None if not math.isfinite(x) else x for x in out.tolist()]


# ----------------------------------------------------------------------------- sets


@dataclass
class _Sets:
    """Element sets of a TARGET for a span, as the CLI verbs choose them."""

    sets: list[Any]
    members: list[Any] | None       # catalogue members (None for constellation words)
    groups: list[int] | None        # constellation index per set (constellation words)
    group_names: list[str]
    elements: dict[str, Any]
    warnings: list[str]


def _in_use(orbit: Any, t: datetime) -> Any:
    """The element set an orbit uses at ``t`` (one of a switching series), or ``None`` for
    an orbit that is not made of element sets."""
    from orbitkit.elements.model import ElementSet

    es = orbit.set_at(t) if hasattr(orbit, "set_at") else orbit
    return es if isinstance(es, ElementSet) else None


def _span_check(sets: Sequence[Any], start: datetime, stop: datetime, what: str) -> list[str]:
    """Refuse a span no real element set is trusted for; warn about single stale sets.

    A set is trusted within the staleness limits of its epoch (14 days for low orbits, 30
    for higher ones unless ``ORBITKIT_STALE_*`` say otherwise), checked at both ends of the
    span with the set in use there. When every real set is out of its limits the answer
    would be an extrapolation of months: that is the "day outside the element sets' span"
    of the issue, a 422.
    """
    from orbitkit.elements.select import stale_limits_days, staleness_warning

    def stale(orbit: Any) -> str | None:
        return (staleness_warning(_in_use(orbit, start), start)
                or staleness_warning(_in_use(orbit, stop), stop))

    real = [o for o in sets if _in_use(o, start) is not None and not _in_use(o, start).is_nominal]
    notes = [(o, stale(o)) for o in real]
    late = [(o, n) for o, n in notes if n]
    if real and len(late) == len(real):
        epochs = [es.epoch for o in real for es in getattr(o, "sets", [o])]
        leo, other = stale_limits_days()
        raise ApiError(
            f"{what} is outside the span the element sets cover: their epochs run "
            f"{min(epochs):%Y-%m-%d} .. {max(epochs):%Y-%m-%d}, and an element set is "
            f"trusted {leo:g} days (low orbits) or {other:g} days (higher orbits) either side "
            "of its epoch; pick a day in that span or start the server with newer --elements",
            status=422)
    out = [n for _, n in late[:3]]
    if len(late) > 3:
        out.append(f"{len(late) - 3} more element sets are beyond the staleness limits")
    return out


class PlanningApi:
    """The endpoints, bound to the element files and network switch given at start-up.

    Parameters
    ----------
    element_files
        Element files (TLE/3LE/OMM) tried first for every target, as ``--elements``.
    offline
        Never touch the network (element sets come from the files, the cache, or nominal
        design orbits).

    Raises
    ------
    orbitkit.errors.ElementFileError
        An element file is missing or holds no usable record (checked at start-up, so the
        server never starts on a typo).
    """

    def __init__(self, element_files: Sequence[str | Path] = (), *, offline: bool = False
                 ) -> None:
        from orbitkit.coverage import classify_constellation
        from orbitkit.elements.sources import read_element_files

        self.files = [str(Path(f)) for f in element_files]
        self._paths = {p for f in self.files for p in (f, str(Path(f).resolve()))}
        self.offline = bool(offline)
        store, errors = read_element_files(self.files) if self.files else (None, [])
        self._file_summary: dict[str, Any] = {"objects": 0, "bad_records": len(errors)}
        self.constellations: list[str] = []
        if store is not None:
            latest = [store.nearest(n, datetime.max.replace(tzinfo=UTC))
                      for n in store.norad_ids()]
            latest = [es for es in latest if es is not None]
            epochs = [es.epoch for es in latest]
            from orbitkit.coverage import CONSTELLATIONS
            from orbitkit.coverage_targets import navigation_orbit

            # the constellations the page may offer: as multi_gnss_sets will take them
            found = {classify_constellation(es.name) for es in latest if navigation_orbit(es)}

            self.constellations = [c for c in CONSTELLATIONS if c in found]
            self._file_summary.update(
                objects=len(latest),
                epoch_min_utc=_iso(min(epochs)) if epochs else None,
                epoch_max_utc=_iso(max(epochs)) if epochs else None)
            self._default_day = max(epochs).date().isoformat() if epochs else None
        else:
            self._default_day = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_size = 16

    # ------------------------------------------------------------------ plumbing

    def redact(self, text: str) -> str:
        """A message for a visitor: the server's folders left out (an element file is named
        by its file name, the cache as "the cache"), the rest as the CLI says it."""
        from orbitkit.elements.cache import cache_root

        for path in sorted(self._paths, key=len, reverse=True):
            text = text.replace(path, Path(path).name)
        for folder in {str(cache_root()), str(cache_root().resolve())}:
            text = text.replace(f"the cache ({folder})", "the cache").replace(folder, "<cache>")
        return text

    def _redacted(self, warnings: Sequence[str]) -> list[str]:
        return [self.redact(w) for w in warnings]

    @contextlib.contextmanager
    def _slot(self) -> Iterator[None]:
        if not self._lock.acquire(timeout=BUSY_WAIT_S):
            raise ApiError(f"the server is busy with other requests (waited {BUSY_WAIT_S:g} "
                           "s); try again", status=503)
        try:
            yield
        finally:
            self._lock.release()

    def _cached(self, key: tuple[Any, ...], make: Any) -> Any:
        """LRU of element resolutions and ephemerides; called with the slot held."""
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        value = make()
        self._cache[key] = value
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return value

    def _resolve(self, target: str, at: datetime, until: datetime) -> _Sets:
        """One orbit per object of a catalogue target for the span ``[at, until]``, as
        ``elements_for_cli`` chooses them: the set nearest ``at``, or several sets switching
        along the span where the files hold them; docked objects once."""
        from orbitkit.elements.cache import cache_max_age_h
        from orbitkit.elements.sources import load_element_sets

        def make() -> _Sets:
            resolution = load_element_sets(
                target, files=self.files, at=at, until=until,
                offline=True if self.offline else None, allow_nominal=True,
                max_age_h=cache_max_age_h())
            warnings = list(resolution.warnings)
            resolution, notes = resolution.one_per_orbit()
            warnings += notes
            warnings += [sw.message() for sw in getattr(resolution, "switches", [])]
            if resolution.any_nominal:
                warnings.append("some element sets are nominal design orbits: their "
                                "positions are illustrative")
            return _Sets(list(resolution.sets), list(resolution.members), None, [],
                         resolution.sources_summary(), warnings)

        found = self._cached(("resolve", target.lower(), at, until), make)
        if not found.sets:
            raise ApiError(f"no element sets for {target!r}", status=422)
        return found

    def _coverage_sets(self, target: str, at: datetime, until: datetime) -> _Sets:
        """The sets of a coverage TARGET, as ``orbitkit coverage`` takes them: a catalogue
        target, constellation words from the element files, or both (``beidou-3,gps``)."""
        from orbitkit.coverage_targets import (
            elements_summary,
            multi_gnss_sets,
            split_coverage_target,
            with_constellations,
        )

        catalogue_part, wanted = split_coverage_target(target)
        if not wanted:
            return self._resolve(target, at, until)
        if not catalogue_part:
            def make() -> _Sets:
                sets, groups, names, warnings = multi_gnss_sets(self.files, wanted, at,
                                                                target=target, until=until)
                return _Sets(sets, None, groups, names, elements_summary(sets), warnings)

            return self._cached(("gnss", wanted, at, until), make)
        base = self._resolve(catalogue_part, at, until)

        def mixed() -> _Sets:
            sets, groups, names, warnings = with_constellations(
                base.sets, catalogue_part, self.files, wanted, at, until=until)
            return _Sets(sets, base.members, groups, names, elements_summary(sets),
                         base.warnings + warnings)

        return self._cached(("mixed", catalogue_part.lower(), wanted, at, until), mixed)

    def _day_ephemeris(self, target: str, day: datetime, times: np.ndarray, step_min: float
                       ) -> tuple[_Sets, list[str], Any]:
        """The sets of a coverage TARGET for a day, their span warnings and their
        ephemeris at ``times`` (cached per target, day and step); called with the slot held."""
        from orbitkit.propagation import propagate

        found = self._coverage_sets(target, day, times[-1])
        warnings = found.warnings + _span_check(found.sets, times[0], times[-1],
                                                f"date {day:%Y-%m-%d}")
        eph = self._cached(("eph", target.lower(), day, step_min),
                           lambda: propagate(found.sets, times))
        return found, warnings, eph

    # ------------------------------------------------------------------ small endpoints

    def info(self) -> dict[str, Any]:
        """What the page needs to start: version, element files, defaults and limits."""
        from orbitkit import __version__

        return {
            "version": __version__,
            "offline": self.offline,
            "element_files": [Path(f).name for f in self.files],
            "elements": self._file_summary,
            "constellations": self.constellations,
            "default_date": self._default_day or datetime.now(UTC).date().isoformat(),
            "limits": dict(LIMITS),
        }

    def sites(self) -> list[dict[str, Any]]:
        """The catalogue's sites, as ``orbitkit sites --format json``."""
        from orbitkit.sites import load_sites

        return [s.to_dict() for s in sorted(load_sites().values(),
                                            key=lambda s: (s.kind, s.key))]

    # ------------------------------------------------------------------ planning

    def planning(self, q: Mapping[str, str]) -> dict[str, Any]:
        """Satellites in view, DOP and sky positions at one place over one UTC day.

        Parameters (query): ``target`` (default ``beidou-3``; or constellation words),
        ``lat``, ``lon`` [deg], ``alt_m`` [m, default 0], ``date`` (YYYY-MM-DD, UTC),
        ``mask_deg`` (default 10), ``step_min`` (default 10), ``horizon`` (optional
        ``AZ EL`` pairs, ``;``- or newline-separated; replaces the mask).
        """
        from orbitkit.coverage import site_series
        from orbitkit.coverage_targets import epoch_times
        from orbitkit.skyview import sky_view

        target = _text(q, "target", "beidou-3", LIMITS["target_chars_max"])
        site = _place(q)
        day = _day(q)
        mask_deg = _number(q, "mask_deg", 10.0, -10.0, 90.0, hi_open=True)
        step_min = _number(q, "step_min", 10.0, LIMITS["step_min_min"], LIMITS["step_min_max"])
        horizon = _horizon(q)
        times = epoch_times(day, 24.0, step_min, hours_name="hours", step_name="step_min")

        with self._slot():
            found, warnings, eph = self._day_ephemeris(target, day, times, step_min)
            classes, prns = self._labels(found)
            view = sky_view(found.sets, site, times, orbit_classes=classes, prns=prns)
            ok = eph.ok
            kernel_mask = mask_deg
            if horizon is not None:
                # the horizon decides who is visible; the kernel's own scalar mask is set to
                # the horizon's lowest point so that it never removes anyone the horizon keeps
                with np.errstate(invalid="ignore"):
                    ok = ok & view.ok & (view.el_deg >= horizon.elevation_deg(view.az_deg))
                kernel_mask = horizon.min_deg
            groups = None if found.groups is None else np.asarray(found.groups)
            series = site_series(eph.r_itrs_km, times, site.lat_deg, site.lon_deg,
                                 site.alt_km, mask_deg=kernel_mask, ok=ok, groups=groups,
                                 name=site.name, label=self._label(target, found))
        out = series.to_dict()
        out.update(
            target=target,
            date=f"{day:%Y-%m-%d}",
            step_min=step_min,
            mask_deg=mask_deg,
            horizon=None if horizon is None else horizon.to_dict(),
            constellations=list(found.group_names),
            satellites=len(found.sets),
            elements=found.elements,
            sky=self._sky(view, ok),
            warnings=self._redacted(warnings),
        )
        return out

    @staticmethod
    def _label(target: str, found: _Sets) -> str:
        """The result's label as ``orbitkit coverage`` gives it."""
        return "+".join(found.group_names) if found.group_names else target

    @staticmethod
    def _labels(found: _Sets) -> tuple[list[str | None], list[str | None]]:
        """Per set: orbit class and PRN from the catalogue where it knows them, else the
        constellation (sets taken from files by name)."""
        members = found.members or []
        classes: list[str | None] = [m.orbit_class for m in members]
        prns: list[str | None] = [m.prn for m in members]
        groups = found.groups or []
        for i in range(len(members), len(found.sets)):
            classes.append(found.group_names[groups[i]] if i < len(groups) else None)
            prns.append(None)
        return classes, prns

    @staticmethod
    def _sky(view: Any, used: np.ndarray) -> dict[str, Any]:
        """Azimuth/elevation per satellite and epoch, ``null`` below the horizon; ``used``
        marks the samples the DOP counted (above the mask)."""
        with np.errstate(invalid="ignore"):
            up = view.ok & (view.el_deg >= 0.0)
        az = np.where(up, np.round(view.az_deg, 1), np.nan)
        el = np.where(up, np.round(view.el_deg, 1), np.nan)
        sats = []
        for i in range(len(view.names)):
            if not up[i].any():
                continue  # never above the horizon this day: nothing to draw
            sats.append({
                "norad_id": int(view.norad_ids[i]),
                "name": view.names[i],
                "prn": view.prns[i],
                "orbit_class": view.orbit_classes[i],
                "az_deg": _round_list(az[i], 1),
                "el_deg": _round_list(el[i], 1),
            })
        return {"satellites": sats}

    # ------------------------------------------------------------------ passes

    def _pass_search(self, q: Mapping[str, str]) -> tuple[Any, Any, list[str]]:
        from orbitkit.passes import find_passes
        from orbitkit.sites import parse_site
        from orbitkit.timeutil import now_utc, parse_utc

        target = _text(q, "target", "tiangong", LIMITS["target_chars_max"])
        site = parse_site(_text(q, "station", None, 100))
        raw_start = q.get("start")
        start = parse_utc(raw_start.strip(), what="start") if raw_start and raw_start.strip() \
            else now_utc()
        days = _number(q, "days", 1.0, 0.0, LIMITS["passes_days_max"], lo_open=True)
        min_el = _number(q, "min_elevation_deg", 0.0, -10.0, 90.0, hi_open=True)
        horizon = _horizon(q)
        stop = start + timedelta(days=days)
        with self._slot():
            found = self._resolve(target, start, stop)
            warnings = found.warnings + _span_check(found.sets, start, stop,
                                                    f"start {_iso(start)}")
            result = find_passes(found.sets, [site], start, stop, min_elevation_deg=min_el,
                                 horizon=None if horizon is None else [horizon])
        return result, site, self._redacted(warnings + list(result.warnings))

    def passes(self, q: Mapping[str, str]) -> tuple[list[dict[str, Any]], list[str]]:
        """``orbitkit passes TARGET --station S --start T --days N --format json``: the same
        list (passes, then visibility intervals), and the warnings the CLI prints."""
        from orbitkit.export import passes_json_records

        result, _, warnings = self._pass_search(q)
        return passes_json_records(result), warnings

    def passes_export(self, q: Mapping[str, str], fmt: str) -> tuple[str, str, str]:
        """The passes as the CLI's ``--format ics`` or ``csv`` text: (text, media type,
        file name)."""
        from orbitkit.export import passes_to_csv
        from orbitkit.ical import passes_to_ical

        result, site, _ = self._pass_search(q)
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", _text(q, "target", "tiangong"))[:40]
        if fmt == "ics":
            text = passes_to_ical(result.passes, stations={site.key: site})
            return text, "text/calendar; charset=utf-8", f"passes-{safe}.ics"
        return passes_to_csv(result), "text/csv; charset=utf-8", f"passes-{safe}.csv"

    # ------------------------------------------------------------------ ground track

    def groundtrack(self, q: Mapping[str, str]) -> dict[str, Any]:
        """Ground track around ``time`` (default now): ``before_min`` back, ``after_min``
        ahead (defaults 45/90), every ``step_s`` (default 30); the sub-satellite point and
        the visibility footprint (``mask_deg``, default 10) at ``time``."""
        from orbitkit.groundtrack import ground_track
        from orbitkit.propagation import propagate
        from orbitkit.timeutil import now_utc, parse_utc

        target = _text(q, "target", "tiangong", LIMITS["target_chars_max"])
        raw = q.get("time")
        at = parse_utc(raw.strip(), what="time") if raw and raw.strip() else now_utc()
        before = _number(q, "before_min", 45.0, 0.0, 60 * LIMITS["track_hours_max"])
        after = _number(q, "after_min", 90.0, 0.0, 60 * LIMITS["track_hours_max"])
        if before + after > 60 * LIMITS["track_hours_max"] or before + after <= 0:
            raise ApiError(f"before_min + after_min must lie in (0, "
                           f"{60 * LIMITS['track_hours_max']:g}] minutes")
        step_s = _number(q, "step_s", 30.0, LIMITS["track_step_s_min"], 600.0)
        mask_deg = _number(q, "mask_deg", 10.0, 0.0, 90.0, hi_open=True)
        start = at - timedelta(minutes=before)
        with self._slot():
            # chosen for whole hours around the span: a page refreshing the track every
            # few seconds reuses one resolution instead of resolving the target anew
            hour = start.replace(minute=0, second=0, microsecond=0)
            found = self._resolve(target, hour, hour + timedelta(
                hours=1 + math.ceil((before + after) / 60.0)))
            warnings = found.warnings + _span_check(found.sets, at, at, f"time {_iso(at)}")
            track = ground_track(found.sets, start, hours=(before + after) / 60.0,
                                 step_s=step_s, footprint_time=at,
                                 footprint_mask_deg=mask_deg)
            lat, lon, alt = propagate(found.sets, [at]).geodetic()
        sats = []
        for i in range(track.n_satellites):
            segments = [[[round(float(x), 3), round(float(y), 3)]
                         for x, y in zip(seg.lon_deg, seg.lat_deg, strict=True)]
                        for seg in track.segments(i)]
            fp = track.footprints[i] if i < len(track.footprints) else None
            now_ok = bool(np.isfinite(lat[i, 0]))
            sats.append({
                "norad_id": int(track.norad_ids[i]),
                "name": track.names[i],
                "segments": segments,
                "now": {"lat_deg": round(float(lat[i, 0]), 4),
                        "lon_deg": round(float(lon[i, 0]), 4),
                        "alt_km": round(float(alt[i, 0]), 3)} if now_ok else None,
                "footprint": None if fp is None else
                [[round(float(x), 3), round(float(y), 3)]
                 for y, x in zip(fp[0], fp[1], strict=True)],
            })
        return {"target": target, "time_utc": _iso(at), "start_utc": _iso(start),
                "stop_utc": _iso(start + timedelta(minutes=before + after)),
                "step_s": step_s, "mask_deg": mask_deg, "satellites": sats,
                "warnings": self._redacted(warnings)}

    # ------------------------------------------------------------------ world PDOP map

    def pdop_map(self, q: Mapping[str, str]) -> dict[str, Any]:
        """Mean PDOP and mean visible count on the global grid over the UTC day, as
        ``orbitkit coverage TARGET --region global`` computes them (defaults: 5-degree grid,
        30-minute step)."""
        from orbitkit.coverage import compute_coverage, make_grid
        from orbitkit.coverage_targets import epoch_times

        target = _text(q, "target", "beidou-3", LIMITS["target_chars_max"])
        day = _day(q)
        mask_deg = _number(q, "mask_deg", 10.0, -10.0, 90.0, hi_open=True)
        res = _number(q, "resolution_deg", 5.0, LIMITS["map_resolution_deg_min"], 30.0)
        step_min = _number(q, "step_min", 30.0, 5.0, LIMITS["step_min_max"] * 3)
        times = epoch_times(day, 24.0, step_min, hours_name="hours", step_name="step_min")
        grid = make_grid("global", res)
        if grid.n_points * len(times) > LIMITS["map_point_epochs_max"]:
            raise ApiError(
                f"{grid.n_points:,} points x {len(times)} epochs is more than the page's "
                f"limit of {LIMITS['map_point_epochs_max']:,.0f} point-epochs; use a larger "
                "resolution_deg or step_min (orbitkit coverage has no such limit)", status=413)
        with self._slot():
            found, warnings, eph = self._day_ephemeris(target, day, times, step_min)
            groups = None if found.groups is None else np.asarray(found.groups)
            result = compute_coverage(eph.r_itrs_km, times, grid, mask_deg=mask_deg,
                                      ok=eph.ok, groups=groups, group_names=found.group_names,
                                      point_quantiles=False, label=self._label(target, found),
                                      dops=("pdop",))
        result.elements = found.elements
        out = result.to_dict()
        out["lat_deg"] = grid.lat_deg.tolist()
        out["lon_deg"] = grid.lon_deg.tolist()
        # per grid point (rows south to north, columns west to east); the scalar
        # mean_pdop / mean_visible of to_dict() are over the whole grid
        out["map_mean_pdop"] = [_round_list(row, 3) for row in result.maps["mean_pdop"]]
        out["map_mean_visible"] = [_round_list(row, 2) for row in result.maps["mean_visible"]]
        out["warnings"] = self._redacted(warnings)
        return out
