"""GNSS time scales: GPST, GST, BDT, QZSST, GLONASST and UTC as integer nanoseconds.

Definition
----------
Every GNSS keeps its own continuous time scale. orbitkit holds all of them on one axis:
int64 nanoseconds of GPS time (GPST) since the GPS epoch 1980-01-06T00:00:00 GPST.

- GPST, Galileo System Time (GST), QZSST and IRNWT are steered to the same second
  (offsets of a few ns, far below the metre level that matters for an orbit), so a
  Galileo or QZSS epoch is read as a GPST epoch.
- BDT = GPST - 14 s (BDT started at 2006-01-01T00:00:00 UTC, when TAI - UTC was 33 s and
  GPST - UTC 14 s); BDT week 0 starts 2006-01-01T00:00:00 BDT (GPS week 1356 + 14 s).
- GLONASS epochs in RINEX are UTC (GLONASST - 3 h, RINEX 3 section 8.4), so GPST =
  UTC + (TAI - UTC) - 19 s.

Method
------
UTC datetime64[ns] -> GPST ns adds the leap-second count (TAI - UTC, from skyfield's
bundled table through :func:`orbitkit.timeutil.leap_seconds`) minus 19 s; the reverse
subtracts it. Integer nanoseconds keep differences (``t - toe``) exact; only the
difference is turned into float seconds by the kernels.

Why it is right and tolerances
------------------------------
The offsets are the definitions of the scales (IS-GPS-200 20.3.3.5.2.4, BDS-SIS-ICD-B1I
5.1.2, RINEX 3.05 section 8.4), exact to the nanosecond. The inter-system time offsets
(GPGA, GPUT ...; up to tens of ns) are ignored: at 4 km/s they move a satellite by
< 0.2 mm.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "GPS_EPOCH",
    "BDT_MINUS_GPST_NS",
    "BDT_WEEK0_GPST_NS",
    "WEEK_NS",
    "utc_to_gpst_ns",
    "gpst_ns_to_utc",
    "gpst_ns_to_datetime64",
    "system_of",
]

#: GPS epoch as a datetime64 label (1980-01-06T00:00:00).
GPS_EPOCH = np.datetime64("1980-01-06T00:00:00", "ns")
_GPS_EPOCH_UNIX_NS = int(GPS_EPOCH.astype(np.int64))
#: Nanoseconds in one GNSS week.
WEEK_NS = 604_800 * 1_000_000_000
#: BDT - GPST in ns (BDT runs 14 s behind GPST).
BDT_MINUS_GPST_NS = -14 * 1_000_000_000
#: Start of BDT week 0 (2006-01-01T00:00:00 BDT) on the GPST axis, ns.
BDT_WEEK0_GPST_NS = 1356 * WEEK_NS - BDT_MINUS_GPST_NS


def _tai_minus_utc_s(t_utc: np.ndarray) -> np.ndarray:
    from orbitkit.timeutil import leap_seconds

    ns = t_utc.astype("datetime64[ns]").astype(np.int64)
    days = np.floor_divide(ns, 86_400_000_000_000)
    frac = (ns - days * 86_400_000_000_000) / 86_400e9
    return leap_seconds(days + 2440587.5, frac)


def utc_to_gpst_ns(t_utc: np.ndarray) -> np.ndarray:
    """UTC ``datetime64`` -> int64 ns of GPST since the GPS epoch.

    Parameters
    ----------
    t_utc
        Array of ``datetime64`` read as UTC.
    """
    t_utc = np.asarray(t_utc, dtype="datetime64[ns]")
    leap = np.round(_tai_minus_utc_s(t_utc)).astype(np.int64) - 19
    return t_utc.astype(np.int64) - _GPS_EPOCH_UNIX_NS + leap * 1_000_000_000


def gpst_ns_to_utc(gpst_ns: np.ndarray) -> np.ndarray:
    """int64 ns of GPST -> UTC ``datetime64[ns]`` (inverse of :func:`utc_to_gpst_ns`)."""
    gpst_ns = np.asarray(gpst_ns, dtype=np.int64)
    label = (gpst_ns + _GPS_EPOCH_UNIX_NS).astype("datetime64[ns]")
    # the leap count at the GPST label is the one at UTC except within the leap itself
    leap = np.round(_tai_minus_utc_s(label)).astype(np.int64) - 19
    utc = gpst_ns - leap * 1_000_000_000 + _GPS_EPOCH_UNIX_NS
    leap2 = np.round(_tai_minus_utc_s(utc.astype("datetime64[ns]"))).astype(np.int64) - 19
    return (gpst_ns - leap2 * 1_000_000_000 + _GPS_EPOCH_UNIX_NS).astype("datetime64[ns]")


def gpst_ns_to_datetime64(gpst_ns: np.ndarray) -> np.ndarray:
    """int64 ns of GPST -> ``datetime64[ns]`` *labels in GPST* (no leap seconds applied)."""
    return (np.asarray(gpst_ns, dtype=np.int64) + _GPS_EPOCH_UNIX_NS).astype("datetime64[ns]")


def label_to_ns(label: np.ndarray) -> np.ndarray:
    """``datetime64`` labels of a GPS-like scale -> int64 ns since the GPS epoch."""
    return np.asarray(label, dtype="datetime64[ns]").astype(np.int64) - _GPS_EPOCH_UNIX_NS


def system_of(prn: str) -> str:
    """The RINEX system letter of a PRN such as ``'C19'``."""
    return prn[:1].upper()
