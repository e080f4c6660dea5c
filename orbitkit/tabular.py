"""pandas DataFrames of orbitkit results: the ``to_frame()`` methods' bodies.

pandas is optional and never loaded by ``import orbitkit``: it is imported here, inside the
functions, and a missing pandas is an ImportError that says how to install it. Frames are
built column by column from the results' arrays (no Python loop over rows), with times as
timezone-aware UTC ``datetime64[ns, UTC]`` columns and the same column names as the CSV and
JSON outputs, so a frame and a file of the same result line up.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["pandas", "pass_search_frame", "sky_view_frame", "conjunction_search_frame"]


def pandas(what: str) -> Any:
    """The pandas module, or an ImportError naming ``what`` needs it."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(f"{what} needs pandas: pip install \"orbitkit[pandas]\"") from None
    return pd


def pass_search_frame(search: Any) -> Any:
    """Passes then visibility intervals of a :class:`~orbitkit.passes.PassSearch`.

    Columns: ``kind`` (``"pass"`` or ``"visibility"``), then the CSV's pass columns
    (``norad_id`` ... ``ends_after_window``; ``*_utc`` as UTC datetimes), then
    ``min_elevation_deg``. A visibility interval fills the rise/set columns with its start
    and end, ``max_elevation_deg`` / ``min_elevation_deg`` with its elevation range and
    leaves the culmination columns and ``visible`` empty (NaT / NaN / None), as in the CSV.
    """
    pd = pandas("PassSearch.to_frame()")
    from orbitkit.passes import PASS_KEYS

    cols = search.columns()
    n = len(cols[PASS_KEYS[0]])
    data: dict[str, Any] = {"kind": ["pass"] * n}
    for key in PASS_KEYS:
        data[key] = list(cols[key])
    data["min_elevation_deg"] = [np.nan] * n
    for v in search.intervals:
        d = v.to_dict()
        row = {"kind": "visibility", "norad_id": d["norad_id"], "name": d["name"],
               "station": d["station"], "rise_utc": d["start_utc"],
               "rise_az_deg": d["start_az_deg"], "max_utc": None, "max_elevation_deg":
               d["max_elevation_deg"], "max_az_deg": np.nan, "set_utc": d["end_utc"],
               "set_az_deg": d["end_az_deg"], "duration_s": d["duration_s"],
               "visible": None, "starts_before_window": d["starts_before_window"],
               "ends_after_window": d["ends_after_window"],
               "min_elevation_deg": d["min_elevation_deg"]}
        for key, value in row.items():
            data[key].append(value)
    frame = pd.DataFrame(data)
    for key in ("rise_utc", "max_utc", "set_utc"):
        frame[key] = pd.to_datetime(frame[key], utc=True, format="ISO8601").dt.as_unit("ns")
    for key in ("rise_az_deg", "max_elevation_deg", "max_az_deg", "set_az_deg",
                "duration_s", "min_elevation_deg"):
        frame[key] = frame[key].astype("float64")
    frame["norad_id"] = frame["norad_id"].astype("int64")
    return frame


def sky_view_frame(view: Any, min_elevation_deg: float | None = 0.0) -> Any:
    """One row per satellite and time of a :class:`~orbitkit.skyview.SkyView` at or above
    ``min_elevation_deg`` (``None``: every computed sample), time-major like ``rows()``.

    Columns: ``time_utc`` (UTC datetime), ``norad_id``, ``name``, ``prn``, ``orbit_class``,
    ``azimuth_deg``, ``elevation_deg``, ``range_km``, ``range_rate_km_s``.
    """
    pd = pandas("SkyView.to_frame()")
    keep = view.ok.copy() if min_elevation_deg is None else view.above(min_elevation_deg)
    t_idx, s_idx = np.nonzero(keep.T)  # time-major
    times = np.asarray(view.times).astype("datetime64[ns]")[t_idx]
    return pd.DataFrame({
        "time_utc": pd.to_datetime(times, utc=True),
        "norad_id": np.asarray(view.norad_ids, dtype=np.int64)[s_idx],
        "name": np.asarray(view.names, dtype=object)[s_idx],
        "prn": np.asarray(view.prns, dtype=object)[s_idx],
        "orbit_class": np.asarray(view.orbit_classes, dtype=object)[s_idx],
        "azimuth_deg": view.az_deg[s_idx, t_idx],
        "elevation_deg": view.el_deg[s_idx, t_idx],
        "range_km": view.range_km[s_idx, t_idx],
        "range_rate_km_s": view.range_rate_km_s[s_idx, t_idx],
    })


def conjunction_search_frame(search: Any) -> Any:
    """One row per close approach of a conjunction search, sorted as the search is (by
    miss distance): the JSON event keys, ``tca_utc`` as a UTC datetime, numbers unrounded,
    plus the combined hard-body radius ``hbr_m``."""
    pd = pandas("ConjunctionSearch.to_frame()")
    events = list(search.events)
    rtn = np.array([e.rtn_km for e in events], dtype=float).reshape(-1, 3)

    def col(attr: str, dtype: Any = float) -> np.ndarray:
        values = [getattr(e, attr) for e in events]
        if dtype is float:
            return np.array([np.nan if v is None else float(v) for v in values], dtype=float)
        return np.array(values, dtype=dtype)

    return pd.DataFrame({
        "norad_id_1": col("norad_id_1", np.int64), "name_1": col("name_1", object),
        "dse_1_d": col("dse_1_d"), "norad_id_2": col("norad_id_2", np.int64),
        "name_2": col("name_2", object), "dse_2_d": col("dse_2_d"),
        "tca_utc": pd.to_datetime([e.tca for e in events], utc=True).as_unit("ns"),
        "miss_km": col("miss_km"), "relative_speed_km_s": col("relative_speed_km_s"),
        "r_km": rtn[:, 0], "t_km": rtn[:, 1], "n_km": rtn[:, 2],
        "max_probability": col("max_probability"), "dilution_km": col("dilution_km"),
        "pc_method": col("pc_method", object), "hbr_m": col("hbr_m"),
    })
