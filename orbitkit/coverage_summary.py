"""Region statistics of a coverage run: area weights, the exact merge, weighted quantiles.

What "over the region" means
----------------------------
The grid is node-registered (:func:`orbitkit.coverage.make_grid`): a global 2-degree grid has
181 nodes on each pole row and two columns at -180 and +180 degrees that are the same place.
A plain mean over nodes therefore counts the poles and the antimeridian far more than they
cover. With ``weighting="area"`` (the default) each node weighs the area of its cell -- the
box of one grid step centred on the node -- clipped to the region, on the WGS84 ellipsoid:

    area = b^2 * dlon * (f(lat_hi) - f(lat_lo)),
    f(phi) = sin(phi) / (2 (1 - e^2 sin^2 phi)) + atanh(e sin(phi)) / (2 e)

(b the polar radius, e the eccentricity; the exact zone area of the ellipsoid between two
geodetic latitudes). So a pole node weighs its polar cap of half a step, each of the two
+-180 columns half a cell, and the weights add up to the region's area. A region of zero
width (one parallel or one meridian, asked for on purpose) weighs its nodes by the length
they stand for; one point weighs 1. ``weighting="points"`` gives every node weight 1 (the
old per-node statistics).

Every statistic is then a weighted one over point-epochs, each point-epoch weighing its
node's weight: mean visible ``sum w_p V_p / (T sum w_p)``, mean DOP over the point-epochs
with a DOP ``sum w_p D_p / sum w_p n_p``, availability and the DOP share likewise; minimum
and maximum visible are over nodes (weights do not move an extreme).

Exact merge
-----------
Tasks (grid tiles x blocks of epochs) return per-node sums: counts (integers), sums of
visible counts (integers in float64: exact in any order), sums of each DOP, minima and
maxima. The merge writes them into whole-grid arrays at the tile's nodes and adds the blocks
of epochs of one tile in their time order, never in arrival order; the weighted totals are
computed once at the end from those arrays. The result is therefore the same bit for bit
whatever order tasks finish in and wherever they ran.

Weighted quantiles, exactly
---------------------------
The median and 95th percentile of PDOP over all point-epochs are the smallest value whose
cumulative weight reaches ``q`` of the total (numpy's ``quantile(..., weights=w,
method="inverted_cdf")``). Exact quantiles need every value, so the tasks send back their
PDOP planes (T x P float32, 4 bytes per point-epoch) and the merge keeps them: a weighted
histogram on the float32 bit patterns (bins of 2^-11 relative width, no clipping: every
finite positive float has a bin) finds the bin holding each quantile, and only that bin's
values are sorted. Above :data:`MAX_EXACT_QUANTILE_VALUES` point-epochs (268 MB of values)
the tasks send that histogram instead, with weights rounded to multiples of 2^-20 of the
largest (integer sums, again order-free), and the quantile is interpolated within its bin:
within 0.05 % (relative); the summary's ``quantiles`` says which was used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from orbitkit.frames import WGS84_A_KM, WGS84_F

__all__ = ["WEIGHTINGS", "node_weights", "weighted_quantiles", "histogram_quantiles",
           "quantile_histogram", "MAX_EXACT_QUANTILE_VALUES"]

#: Accepted ``weighting`` values.
WEIGHTINGS = ("area", "points")
#: Largest run (point-epochs) whose quantiles are computed exactly from every value.
MAX_EXACT_QUANTILE_VALUES = 1 << 26

_E2 = WGS84_F * (2.0 - WGS84_F)
_E = math.sqrt(_E2)
_B_KM = WGS84_A_KM * (1.0 - WGS84_F)
# histogram bins: float32 bit patterns without their lowest 12 bits (2^-11 relative width)
_SHIFT = 12
_NBINS = (0x7F800000 >> _SHIFT) + 1  # up to +inf
#: Bins of the histogram that only locates an exact quantile: 2^-6 relative, 16,321 bins
#: (130 kB a task), so that a task's histogram is small to send and the bin to sort small.
COARSE_SHIFT = 17
_WEIGHT_STEPS = float(1 << 20)


def _zone(phi_rad: np.ndarray) -> np.ndarray:
    """f(phi) of the module docstring: ellipsoid area from the equator, per b^2 and radian."""
    s = np.sin(phi_rad)
    return s / (2.0 * (1.0 - _E2 * s * s)) + np.arctanh(_E * s) / (2.0 * _E)


def node_weights(grid: Any, weighting: str = "area") -> np.ndarray:
    """Weight of each node of ``grid`` (shape ``grid.shape``): km^2 of its clipped cell.

    Parameters
    ----------
    grid
        A :class:`orbitkit.coverage.Grid`.
    weighting
        ``"area"`` (cell area clipped to the region, km^2) or ``"points"`` (all 1).
    """
    if weighting not in WEIGHTINGS:
        from orbitkit.errors import UserError

        raise UserError(f"weighting {weighting!r}: choose one of {', '.join(WEIGHTINGS)}")
    n_lat, n_lon = grid.shape
    if weighting == "points":
        return np.ones((n_lat, n_lon))
    reg = grid.region
    half = grid.resolution_deg / 2.0
    lat = np.asarray(grid.lat_deg, dtype=float)
    lon = np.asarray(grid.lon_deg, dtype=float)
    lat_lo = np.radians(np.clip(lat - half, reg.south_deg, reg.north_deg))
    lat_hi = np.radians(np.clip(lat + half, reg.south_deg, reg.north_deg))
    lon_w = np.radians(np.clip(lon + half, reg.west_deg, reg.east_deg)
                       - np.clip(lon - half, reg.west_deg, reg.east_deg))
    flat_lat = reg.south_deg == reg.north_deg
    flat_lon = reg.west_deg == reg.east_deg
    if flat_lat and flat_lon:  # one point
        return np.ones((n_lat, n_lon))
    if flat_lat:  # one parallel: the length each node stands for
        along = np.ones(n_lat)
    elif flat_lon:  # one meridian: likewise (the meridian radius varies < 1 %)
        along = lat_hi - lat_lo
        lon_w = np.ones(n_lon)
    else:
        along = _B_KM ** 2 * (_zone(lat_hi) - _zone(lat_lo))
    return np.outer(along, lon_w)


def _bins(values: np.ndarray, shift: int = _SHIFT) -> np.ndarray:
    # PDOP >= 0; "& 0x7FFFFFFF" folds a -0.0 into bin 0
    return ((values.view(np.uint32) & np.uint32(0x7FFFFFFF)) >> shift).astype(np.intp)


def _edge(bits: int) -> float:
    """The float32 whose bit pattern is ``bits`` (inf past the last finite one)."""
    if bits >= 0x7F800000:
        return math.inf
    return float(np.array([bits], dtype=np.uint32).view(np.float32)[0])


def _weight_below(parts: Sequence[tuple[np.ndarray, np.ndarray]], xs: Sequence[float]
                  ) -> list[float]:
    """Per x: the total weight of the values < x (NaN never counts), summed in part order."""
    out = [0.0] * len(xs)
    for values, weights in parts:
        for k, x in enumerate(xs):
            below = np.count_nonzero(values < np.float32(x) if math.isfinite(x)
                                     else ~np.isnan(values), axis=0)
            out[k] += float(weights @ below)
    return out


def weighted_quantiles(parts: Sequence[tuple[np.ndarray, np.ndarray]], qs: Sequence[float],
                       hist: np.ndarray | None = None, shift: int = COARSE_SHIFT
                       ) -> list[float | None]:
    """Exact weighted quantiles of the non-NaN values of ``parts``.

    Parameters
    ----------
    parts
        ``(values (T, P) float32, weights (P,))`` pairs in a fixed order; NaN = no value.
    qs
        Quantiles in [0, 1].
    hist, shift
        An integer-weighted histogram of the same values on bit-pattern bins ``>> shift``
        (:func:`quantile_histogram`, summed over the tasks): it only says where to look; the
        answer comes from the values themselves. Computed here when not given.

    Returns
    -------
    list
        Per ``q``: the smallest value whose cumulative weight reaches ``q`` of the total
        (``None`` when there is no value or no weight).

    Method: the histogram gives the bin ``[lo, hi)`` holding each quantile; the exact
    weights below ``lo`` and ``hi`` are summed from per-node counts (fixed order: the same
    float result wherever the tasks ran); if the histogram's rounded weights pointed at a
    neighbour the search steps over; then only the bin's values are sorted.
    """
    if hist is None:
        top = max((float(w.max()) for _, w in parts if w.size), default=0.0)
        hist = 0
        for values, weights in parts:
            hist = hist + quantile_histogram(values, integer_weights(weights, top), shift)
        if isinstance(hist, int):
            return [None] * len(qs)
    (total,) = _weight_below(parts, [math.inf])
    cum = np.cumsum(hist)
    nonempty = np.flatnonzero(hist)
    out: list[float | None] = []
    for q in qs:
        if not total > 0 or nonempty.size == 0:
            out.append(None)
            continue
        target = q * total
        k = int(np.searchsorted(nonempty, int(np.searchsorted(cum, q * cum[-1], side="left"))))
        k = min(k, nonempty.size - 1)
        while True:
            b = int(nonempty[k])
            lo, hi = _edge(b << shift), _edge((b + 1) << shift)
            c_lo, c_hi = _weight_below(parts, [lo, hi])
            if c_lo >= target and c_lo > 0 and k > 0:
                k -= 1  # the quantile lies below this bin
            elif c_hi < target and k < nonempty.size - 1:
                k += 1  # above it
            else:
                break
        vals, wts = [], []
        for values, weights in parts:
            sel = (values >= np.float32(lo)) & (values < np.float32(hi) if math.isfinite(hi)
                                                 else ~np.isnan(values))
            if sel.any():
                vals.append(values[sel])
                wts.append(np.broadcast_to(weights, values.shape)[sel])
        v = np.concatenate(vals).astype(np.float64)
        w = np.concatenate(wts)
        order = np.argsort(v, kind="stable")
        c = c_lo + np.cumsum(w[order])
        i = int(min(np.searchsorted(c, target, side="left"), v.size - 1))
        out.append(float(v[order][i]))
    return out


def quantile_histogram(values: np.ndarray, weights: np.ndarray, shift: int = _SHIFT
                       ) -> np.ndarray:
    """Integer weighted histogram of the non-NaN ``values`` (T, P) with node ``weights`` (P,).

    ``weights`` are the rounded integer weights of :func:`integer_weights`; sums of these are
    exact, so histograms can be added in any order. Bins: float32 bit patterns ``>> shift``.
    """
    has = ~np.isnan(values)
    counts = np.bincount(_bins(values[has], shift),
                         weights=np.broadcast_to(weights, values.shape)[has],
                         minlength=(0x7F800000 >> shift) + 1)
    return np.rint(counts).astype(np.int64)


def integer_weights(weights: np.ndarray, top: float | None = None) -> np.ndarray:
    """Weights rounded to whole multiples of 2^-20 of the largest (``top``; float64 integers)."""
    w = np.asarray(weights, dtype=float)
    if top is None:
        top = float(w.max()) if w.size else 0.0
    if not top > 0:
        return np.ones_like(w)
    return np.maximum(np.rint(w / top * _WEIGHT_STEPS), 1.0)


def histogram_quantiles(hist: np.ndarray, qs: Sequence[float]) -> list[float | None]:
    """Quantiles from a :func:`quantile_histogram`, interpolated within the bin (0.05 %)."""
    cum = np.cumsum(hist)
    total = int(cum[-1]) if cum.size else 0
    out: list[float | None] = []
    for q in qs:
        if total == 0:
            out.append(None)
            continue
        target = q * total
        b = int(min(np.searchsorted(cum, target, side="left"), _NBINS - 1))
        before = int(cum[b - 1]) if b > 0 else 0
        inside = (target - before) / hist[b] if hist[b] else 0.0
        lo, hi = (np.array([k << _SHIFT], dtype=np.uint32).view(np.float32)[0]
                  for k in (b, b + 1))
        out.append(float(lo) + (float(hi) - float(lo)) * min(max(inside, 0.0), 1.0))
    return out
