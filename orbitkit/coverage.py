"""Coverage of a navigation constellation: visible satellites and DOP over a ground grid.

The question this module answers: *how many satellites does a receiver anywhere in a region
see above an elevation mask, and how good is their geometry (GDOP, PDOP, HDOP, VDOP, TDOP)?*
It works from satellite positions in the Earth-fixed frame (ITRS, km) for every epoch, so the
propagation is done once and shared with everything else.

How it is fast (the hot path has no Python loop over points or satellites):

* The grid is cut into compact tiles of points; a tile and a block of epochs is one *task*
  (:func:`coverage_task`), a pure function of (satellite table, grid block), run by the
  executor handed in (:mod:`orbitkit.executor`): threads here (numpy releases the GIL in its
  loops and in BLAS), or a Dask cluster's workers, with the same answer bit for bit. The
  region statistics (area-weighted by default) and their exact merge are in
  :mod:`orbitkit.coverage_summary`.
* **Skipping.** A satellite at geocentric radius r is above the mask only from a spherical cap
  around its sub-satellite point. Per (tile, epoch) the satellites whose cap cannot reach the
  tile are dropped before any per-pair work (for BDS-3 about half of all pairs on 2-degree
  tiles of ~20 degrees, 58 % on 1-degree ones; ``tests/test_coverage.py`` checks the cull
  never drops a visible pair).
* **Fusing.** Summaries over time are accumulated block by block; the only (epochs x points)
  array kept is the PDOP plane of a tile, for the exact quantiles.
  For the remaining pairs two small matrix products give, per (point, satellite),
  the height of the satellite above the point's horizontal plane and the squared range, from
  augmented vectors (no line-of-sight vectors are formed). The elevation test is
  ``height / range >= sin(mask)``; then the weights ``w/rho`` and ``w/rho**2`` reduce, by a third
  small matrix product per epoch, to the ten unique entries of the normal matrix (the
  ``r r^T`` moments are expanded around the point, see :func:`dop_from_moments`). The
  DOP arithmetic then runs on cache-sized slices of epochs with preallocated planes.
* **Closed-form DOP.** The 4x4 (or (3+C)x(3+C)) normal matrix is inverted through the Schur
  complement of its clock block, a symmetric 3x3 matrix inverted by cofactors on whole arrays.
  HDOP/VDOP use the local up vector directly: ``VDOP^2 = u^T Q u``.
* **float32** in the kernel. Against float64 the DOP values differ by less than 1e-4
  (relative, tested in ``tests/test_dop.py``; typically 1e-6) and visibility only flips for
  pairs within about 1e-6 rad of the mask.

Multi-constellation: every satellite carries a group index (constellation); the geometry
matrix gets one receiver-clock column per constellation that has a satellite in view, so the
position block of the inverse is ``(G - sum_c g_c g_c^T / n_c)^-1``. TDOP is then the root of
the sum of the clock variances (``GDOP^2 = PDOP^2 + TDOP^2`` holds in every case).
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from orbitkit.coverage_grid import (  # noqa: F401 - public here too
    REGIONS,
    Grid,
    Region,
    _geodetic_points,
    _nodes,
    make_grid,
    parse_region,
)
from orbitkit.coverage_results import (  # noqa: F401 - public here too
    _POINT_FIELDS,
    METRICS,
    CoverageResult,
    SiteSeries,
    _json_number,
)
from orbitkit.errors import RequestTooLargeError, UserError
from orbitkit.frames import WGS84_A_KM, WGS84_F

__all__ = [
    "REGIONS",
    "METRICS",
    "DOP_KINDS",
    "Region",
    "Grid",
    "CoverageResult",
    "SiteSeries",
    "parse_region",
    "make_grid",
    "classify_constellation",
    "satellite_table",
    "coverage_chunk",
    "coverage_task",
    "CoverageTask",
    "CoverageShared",
    "compute_coverage",
    "site_series",
    "dop_from_moments",
]

# WGS84 ellipsoid
_B_KM = WGS84_A_KM * (1.0 - WGS84_F)  # polar radius: nothing on the ellipsoid is lower
# Largest angle between the geodetic normal and the geocentric radius on WGS84 (0.1924 deg),
# rounded up: the cap test below must never drop a pair that the exact test would keep.
_NORMAL_TILT_RAD = math.radians(0.2)
_CAP_MARGIN_RAD = math.radians(0.5)

#: The dilution-of-precision kinds computed by the kernel.
DOP_KINDS = ("gdop", "pdop", "hdop", "vdop", "tdop")

# Chunk sizing. _CHUNK_ELEMENTS: elements of one per-pair work array (float32, 2 MiB; the
# four arrays of a thread stay in the shared L3 cache). It is large on purpose: a numpy call
# holds the GIL for its few microseconds of overhead, and with blocks of a few epochs (2**15)
# that overhead was half the kernel time, so the two worker threads mostly waited for each
# other (4.1 s -> 2.3 s for the whole 1-degree / 5-minute run on the 2-core test box).
# _DOP_ELEMENTS: point-epochs per slice of the DOP arithmetic, whose ~30 planes are streamed
# ~100 times; 2**15 measured best (24 ns per point-epoch; 2**17: 54 ns, out of L2).
_CHUNK_ELEMENTS = 1 << 19
_DOP_ELEMENTS = 1 << 15
_TILE_POINTS = 384
# Largest request accepted (point-epochs); beyond this a run takes hours, not seconds.
_MAX_POINT_EPOCHS = 5.0e9
# Largest grid: the per-point summary maps take ~120 bytes a point (0.25 deg global is 1.04M).
_MAX_POINTS = 2_500_000


# ----------------------------------------------------------------------------- constellations

#: Constellation names used by :func:`classify_constellation`.
CONSTELLATIONS = ("BeiDou", "GPS", "Galileo", "GLONASS")


def classify_constellation(name: str) -> str | None:
    """Constellation of a GNSS object from its CelesTrak name, or ``None`` (SBAS, QZSS, ...).

    ``GPS ...``/``NAVSTAR ...`` -> GPS, ``GSAT0nnn``/``GALILEO ...`` -> Galileo (``GSAT-8`` is
    an Indian SBAS satellite, not Galileo), ``COSMOS ...``/``GLONASS ...`` -> GLONASS,
    ``BEIDOU ...`` -> BeiDou.
    """
    text = name.strip().upper()
    if text.startswith(("GPS ", "NAVSTAR")):
        return "GPS"
    if text.startswith("GALILEO") or (text.startswith("GSAT") and text[4:5].isdigit()):
        return "Galileo"
    if text.startswith(("COSMOS", "GLONASS")):
        return "GLONASS"
    if text.startswith(("BEIDOU", "BDS", "COMPASS")):
        return "BeiDou"
    return None


# ----------------------------------------------------------------------------- kernel


@dataclass(frozen=True)
class SatelliteTable:
    """Per (epoch, satellite) data of the kernel, built once per run (float32).

    Attributes
    ----------
    rows
        (T, S+1, 5) ``[x, y, z, 1, |r|^2]`` km; the last satellite is a dummy at the Earth's
        centre (never visible) used to pad candidate lists.
    moments
        (T, S+1, 10 + 4C) per-satellite moments ``[xx, yy, zz, xy, xz, yz, x, y, z, 1]``
        (for the ``w/rho^2`` weights) then per group ``[x, y, z] * onehot`` and ``onehot``
        (for the ``w/rho`` weights); zero for the dummy and for failed samples.
    unit
        (T, S, 3) geocentric unit vectors of the satellites (float64).
    cap_rad
        (T, S) largest geocentric angle from the sub-satellite point at which the satellite
        can be above the mask (conservative); -1 where the sample failed.
    n_groups
        Number of constellations C.
    sin_mask
        sin of the elevation mask.
    """

    rows: np.ndarray
    moments: np.ndarray
    unit: np.ndarray
    cap_rad: np.ndarray
    n_groups: int
    sin_mask: np.float32
    mask_deg: float

    @property
    def n_epochs(self) -> int:
        return int(self.rows.shape[0])

    @property
    def n_sats(self) -> int:
        return int(self.rows.shape[1] - 1)

    def epochs(self, t0: int, t1: int) -> SatelliteTable:
        """The table of epochs ``t0..t1-1`` (views, no copy)."""
        from dataclasses import replace

        return replace(self, rows=self.rows[t0:t1], moments=self.moments[t0:t1],
                       unit=self.unit[t0:t1], cap_rad=self.cap_rad[t0:t1])


def satellite_table(
    r_itrs_km: np.ndarray,
    mask_deg: float,
    ok: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    min_height_km: float = 0.0,
) -> SatelliteTable:
    """Prepare satellite positions for the kernel.

    Parameters
    ----------
    r_itrs_km
        (S, T, 3) Earth-fixed positions, km.
    mask_deg
        Elevation mask, degrees (-10..89).
    ok
        (S, T) True where the position is valid; failed samples are never visible.
    groups
        (S,) constellation index 0..C-1 of each satellite (default: one constellation).
    min_height_km
        Lowest height of the ground points above the ellipsoid, km (a lower observer sees a
        wider cap; the cull must stay conservative).
    """
    r = np.asarray(r_itrs_km, dtype=np.float64)
    if r.ndim != 3 or r.shape[2] != 3:
        raise ValueError(f"r_itrs_km must have shape (S, T, 3), not {r.shape}")
    if not (-10.0 <= mask_deg < 90.0):
        raise UserError(f"elevation mask {mask_deg:g} deg: must be within -10..90 degrees")
    n_sat, n_t, _ = r.shape
    good = np.isfinite(r).all(axis=2)
    if ok is not None:
        good &= np.asarray(ok, dtype=bool)
    # below-ground or absurd samples are failures too
    radius = np.linalg.norm(np.where(good[..., None], r, 0.0), axis=2)
    good &= radius > _B_KM
    g = np.zeros(n_sat, dtype=np.intp) if groups is None else np.asarray(groups, dtype=np.intp)
    if g.shape != (n_sat,):
        raise ValueError("groups must have one entry per satellite")
    n_groups = int(g.max()) + 1 if n_sat else 1

    rt = np.where(good[..., None], r, 0.0).transpose(1, 0, 2)  # (T, S, 3)
    x, y, z = rt[..., 0], rt[..., 1], rt[..., 2]
    rows = np.zeros((n_t, n_sat + 1, 5), dtype=np.float64)
    rows[:, :n_sat, :3] = rt
    rows[:, :n_sat, 3] = 1.0
    rows[:, :n_sat, 4] = x * x + y * y + z * z
    rows[:, n_sat, 3] = 1.0  # dummy: at the centre, height -p.u < 0, never visible

    good_t = good.T
    ncol = 10 + 4 * n_groups
    mom = np.zeros((n_t, n_sat + 1, ncol), dtype=np.float64)
    mom[:, :n_sat, 0:10] = np.stack(
        [x * x, y * y, z * z, x * y, x * z, y * z, x, y, z, np.ones_like(x)], axis=-1
    ) * good_t[..., None]
    onehot = (g[None, :, None] == np.arange(n_groups)[None, None, :]) & good_t[..., None]
    for c in range(n_groups):  # a loop over constellations (at most a handful)
        oc = onehot[..., c]
        mom[:, :n_sat, 10 + 3 * c:13 + 3 * c] = rt * oc[..., None]
        mom[:, :n_sat, 10 + 3 * n_groups + c] = oc

    with np.errstate(invalid="ignore", divide="ignore"):
        unit = rt / np.where(radius.T > 0, radius.T, 1.0)[..., None]
        m = math.radians(mask_deg) - _NORMAL_TILT_RAD
        low = _B_KM + min(0.0, float(min_height_km))
        ratio = np.clip(low * math.cos(m) / np.where(radius.T > 0, radius.T, np.inf), -1, 1)
        cap = np.arccos(ratio) - m + _CAP_MARGIN_RAD
    cap = np.where(good_t, np.minimum(cap, math.pi), -1.0)
    return SatelliteTable(
        rows=rows.astype(np.float32),
        moments=mom.astype(np.float32),
        unit=unit,
        cap_rad=cap,
        n_groups=n_groups,
        sin_mask=np.float32(math.sin(math.radians(mask_deg))),
        mask_deg=float(mask_deg),
    )


def _block_vectors(pos: np.ndarray, up: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Augmented grid vectors so that rows @ vec gives height (r-p).u and range^2 |r-p|^2."""
    n = pos.shape[0]
    hv = np.empty((5, n), dtype=np.float64)
    hv[:3] = up.T
    hv[3] = -np.einsum("ij,ij->i", pos, up)
    hv[4] = 0.0
    qv = np.empty((5, n), dtype=np.float64)
    qv[:3] = -2.0 * pos.T
    qv[3] = np.einsum("ij,ij->i", pos, pos)
    qv[4] = 1.0
    return hv.astype(np.float32), qv.astype(np.float32)


def _candidates(table: SatelliteTable, pos: np.ndarray) -> np.ndarray:
    """(T, S) True where a satellite may be above the mask for some point of the block."""
    dirs = pos / np.linalg.norm(pos, axis=1, keepdims=True)
    centre = dirs.mean(axis=0)
    norm = np.linalg.norm(centre)
    if norm < 1e-6:  # block around a whole hemisphere or more: nothing can be culled
        return table.cap_rad >= 0
    centre /= norm
    radius = float(np.arccos(np.clip(dirs @ centre, -1.0, 1.0)).max())
    cos_sep = table.unit @ centre  # (T, S)
    limit = np.minimum(table.cap_rad + radius, math.pi)
    return (cos_sep >= np.cos(limit)) & (table.cap_rad >= 0)


def _tile_kernel(
    table: SatelliteTable,
    pos: np.ndarray,
    up: np.ndarray,
    sink: Any,
    *,
    cull: bool = True,
    chunk_elements: int = _CHUNK_ELEMENTS,
    dops: frozenset[str] = frozenset(DOP_KINDS),
    ws: _Workspace | None = None,
) -> None:
    """Run the fused kernel over one grid block and every epoch, feeding ``sink`` per block.

    ``sink.add(t_index, visible, has, dop2)`` receives, for a block of epochs (in an order
    of its own: epochs are sorted by candidate count so that blocks pad little), the visible
    count (nb, P) float32, whether a DOP exists (nb, P) bool and the squared DOPs (dict of
    (nb, P) float32, garbage where ``has`` is False). The arrays are reused: copy to keep.

    Each numpy call works on a whole block of epochs (up to ``chunk_elements`` pairs), so
    that the per-call overhead, during which a thread holds the GIL, stays small against the
    arithmetic, during which it does not: with small blocks two threads spend most of their
    time waiting for each other. ``ws`` holds the scratch arrays; a worker passes the same one
    for all its blocks, so that they are not allocated again (and page-faulted in: glibc
    returns freed multi-megabyte blocks to the system) for every block.
    """
    n_t = table.n_epochs
    n_p = pos.shape[0]
    n_s = table.n_sats
    n_groups = table.n_groups
    ncol = 10 + 4 * n_groups
    if n_t == 0 or n_p == 0:
        return
    hv, qv = _block_vectors(pos, up)
    cand = _candidates(table, pos) if cull else (table.cap_rad >= 0)
    k_per_t = cand.sum(axis=1)
    # epochs in order of candidate count, so that each block of epochs pads to little more
    # than its own count (the sinks do not care about the order)
    t_order = np.argsort(k_per_t, kind="stable")
    cand = cand[t_order]
    # candidate satellites first, then the dummy (index S) as padding
    order = np.argsort(~cand, axis=1, kind="stable")
    order = np.where(np.take_along_axis(cand, order, axis=1), order, n_s)
    ks = np.maximum(k_per_t[t_order], 1).tolist()
    # blocks of epochs: as many as fit the pair buffers, padded to the largest candidate count
    # among them (the last one: counts are sorted); planned with plain integers
    size = max(chunk_elements, ks[-1] * n_p)
    blocks = []
    t0 = 0
    while t0 < n_t:
        t1 = t0 + 1
        while t1 < n_t and ks[t1] * (t1 + 1 - t0) * n_p <= size:
            t1 += 1
        blocks.append((t0, t1))
        t0 = t1
    max_nb = max(t1 - t0 for t0, t1 in blocks)
    # the DOP arithmetic (~100 array operations) runs on even slices of a block of about
    # _DOP_ELEMENTS point-epochs, whose planes stay in the L2 cache
    dop_t = max(1, min(max_nb, _DOP_ELEMENTS // n_p))
    if ws is None:
        ws = _Workspace(dop_t * n_p)
    # work buffers, reused by every block of epochs (and by the next call with the same ws)
    buf_h = ws.get("pair_h", (size,))
    buf_q = ws.get("pair_q", (size,))
    buf_w = ws.get("pair_w", (size,))
    buf_v = ws.get("pair_v", (size,), bool)
    counts = ws.get("counts", (max_nb, n_groups, n_p))
    moments = ws.get("moments", (max_nb, ncol, n_p))
    sin_mask = table.sin_mask
    one = np.float32(1.0)
    pos32 = pos.astype(np.float32)
    up32 = up.astype(np.float32)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for t0, t1 in blocks:
            nb = t1 - t0
            k = ks[t1 - 1]
            t_idx = t_order[t0:t1, None]
            idx = order[t0:t1, :k]
            rows = table.rows[t_idx, idx].reshape(nb * k, 5)
            mom = table.moments[t_idx, idx]  # (nb, K, ncol)
            m = nb * k * n_p
            height = buf_h[:m].reshape(nb * k, n_p)
            rng = buf_q[:m].reshape(nb * k, n_p)
            w = buf_w[:m].reshape(nb * k, n_p)
            vis = buf_v[:m].reshape(nb * k, n_p)
            np.matmul(rows, hv, out=height)  # (r - p).u: height above the horizontal plane
            np.matmul(rows, qv, out=rng)  # |r - p|^2
            np.sqrt(rng, out=rng)
            np.divide(one, rng, out=rng)  # 1/rho
            np.multiply(height, rng, out=height)  # sin(elevation)
            np.greater_equal(height, sin_mask, out=vis)
            np.copyto(w, vis)
            np.multiply(rng, w, out=rng)  # B = w/rho
            np.multiply(rng, rng, out=height)  # A = w/rho^2
            shape = (nb, k, n_p)
            mom_t = mom.transpose(0, 2, 1)  # (nb, ncol, K)
            np.matmul(mom_t[:, 10 + 3 * n_groups:, :], w.reshape(shape), out=counts[:nb])
            np.matmul(mom_t[:, :10, :], height.reshape(shape), out=moments[:nb, :10])
            np.matmul(mom_t[:, 10:, :], rng.reshape(shape), out=moments[:nb, 10:])
            n_slices = max(1, round(nb / dop_t))  # slices of 2/3 to 3/2 of dop_t epochs
            for i in range(n_slices):
                d0, d1 = nb * i // n_slices, nb * (i + 1) // n_slices
                visible, has, dop2 = _dop_planes(counts[d0:d1], moments[d0:d1],
                                                 pos32, up32, ws, dops)
                sink.add(t_order[t0 + d0:t0 + d1], visible, has, dop2)


_DOP_KEYS = DOP_KINDS


class _SeriesSink:
    """Keeps every epoch: visible (T, P) int16 and the DOPs (T, P) float32, NaN if none."""

    def __init__(self, n_t: int, n_p: int) -> None:
        self.out = {"visible": np.zeros((n_t, n_p), dtype=np.int16),
                    "has": np.zeros((n_t, n_p), dtype=bool)}
        for key in _DOP_KEYS:
            self.out[key] = np.full((n_t, n_p), np.nan, dtype=np.float32)

    def add(self, t_idx: np.ndarray, visible: np.ndarray, has: np.ndarray,
            dop2: dict[str, np.ndarray]) -> None:
        self.out["visible"][t_idx] = np.rint(visible)
        self.out["has"][t_idx] = has
        nan = np.float32(np.nan)
        for key, sq in dop2.items():
            np.maximum(sq, 0, out=sq)  # rounding just below zero (HDOP of a vertical sky)
            self.out[key][t_idx] = np.where(has, np.sqrt(sq), nan)


class _SummarySink:
    """Per-node sums over a block of epochs, accumulated block by block.

    Per node: sum/min/max of visible, count with a DOP, sums of each DOP, availability
    count. The PDOP of every epoch is kept too, (T, P) float32 with NaN where there is none
    (4 bytes a point-epoch: the tile is sized so that this stays small), for the exact
    quantiles over the region and the per-node median / p95.
    """

    def __init__(self, n_t: int, n_p: int, threshold: float) -> None:
        self.n_t = n_t
        self.threshold = np.float32(threshold)
        self.sum_vis = np.zeros(n_p)
        self.min_vis = np.full(n_p, np.inf, dtype=np.float32)
        self.max_vis = np.zeros(n_p, dtype=np.float32)
        self.n_has = np.zeros(n_p, dtype=np.int64)
        self.n_avail = np.zeros(n_p, dtype=np.int64)
        self.sums: dict[str, np.ndarray] = {}
        self.pdop = np.full((n_t, n_p), np.nan, dtype=np.float32)

    def add(self, t_idx: np.ndarray, visible: np.ndarray, has: np.ndarray,
            dop2: dict[str, np.ndarray]) -> None:
        self.sum_vis += visible.sum(axis=0)
        np.minimum(self.min_vis, visible.min(axis=0), out=self.min_vis)
        np.maximum(self.max_vis, visible.max(axis=0), out=self.max_vis)
        self.n_has += np.count_nonzero(has, axis=0)
        zero = np.float32(0)
        for key, sq in dop2.items():
            np.maximum(sq, zero, out=sq)
            np.sqrt(sq, out=sq)
            part = np.add.reduce(sq, axis=0, where=has, initial=zero)
            if key in self.sums:
                self.sums[key] += part
            else:
                self.sums[key] = part.astype(np.float64)
        pdop = dop2["pdop"]
        good = pdop <= self.threshold
        good &= has
        self.n_avail += np.count_nonzero(good, axis=0)
        self.pdop[t_idx] = np.where(has, pdop, np.float32(np.nan))


def coverage_chunk(
    table: SatelliteTable,
    pos: np.ndarray,
    up: np.ndarray,
    *,
    cull: bool = True,
    chunk_elements: int = _CHUNK_ELEMENTS,
) -> dict[str, np.ndarray]:
    """Visible satellites and DOP for one grid block at every epoch: the pure kernel.

    A pure function of (satellite table, grid block): this is the unit a scheduler (threads
    here, Dask later) runs in parallel.

    Parameters
    ----------
    table
        From :func:`satellite_table`.
    pos, up
        (P, 3) ITRS positions (km) and geodetic up unit vectors of the block's points.
    cull
        Drop satellites whose visibility cap cannot reach the block (same result, faster).
    chunk_elements
        Size of one per-pair work array (float32 elements); bounds the memory of a call.

    Returns
    -------
    dict
        ``visible`` (T, P) int16, ``has`` (T, P) bool (a DOP exists), and ``gdop``, ``pdop``,
        ``hdop``, ``vdop``, ``tdop`` (T, P) float32, NaN where there is no DOP.
    """
    sink = _SeriesSink(table.n_epochs, pos.shape[0])
    _tile_kernel(table, pos, up, sink, cull=cull, chunk_elements=chunk_elements)
    return sink.out


class _Workspace:
    """Scratch planes for :func:`_dop_planes`, allocated once per chunk (no malloc per op)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._store: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: Any = np.float32) -> np.ndarray:
        size = math.prod(shape)
        buf = self._store.get(name)
        if buf is None or buf.size < size:
            # grow with headroom: blocks of epochs differ a little in size
            buf = self._store[name] = np.empty(max(size + size // 4, self.n), dtype=dtype)
        return buf[:size].reshape(shape)


def _dop_planes(
    counts: np.ndarray, moments: np.ndarray, pos: np.ndarray, up: np.ndarray, ws: _Workspace,
    want: frozenset[str] = frozenset(DOP_KINDS),
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """In-place float32 DOP on (T, P) planes; returns (visible, has, squared DOPs by name).

    PDOP is always computed (availability needs it); the other kinds only when in ``want``
    (a PDOP-only run does about a third fewer operations). Every operation writes into a
    workspace plane: on this machine a temporary above 128 KiB
    costs an mmap and page faults per operation, more than the arithmetic.
    """
    n_t, n_groups, n_p = counts.shape
    shape = (n_t, n_p)
    f32 = np.float32
    px, py, pz = (np.ascontiguousarray(pos[:, i], dtype=f32) for i in range(3))
    m = moments
    a_x, a_y, a_z, a_0 = m[:, 6], m[:, 7], m[:, 8], m[:, 9]
    g = [ws.get(f"g{i}", shape) for i in range(6)]  # xx yy zz xy xz yz
    cx, cy, cz, tmp = (ws.get(k, shape) for k in ("cx", "cy", "cz", "tmp"))
    # G = sum A (r-p)(r-p)^T = M2 + c p^T - p a^T with c = a0 p - a (expanded around the point)
    for c, a, p in ((cx, a_x, px), (cy, a_y, py), (cz, a_z, pz)):
        np.multiply(a_0, p, out=c)
        c -= a
    for gi, mi, c, a, p in ((g[0], m[:, 0], cx, a_x, px), (g[1], m[:, 1], cy, a_y, py),
                            (g[2], m[:, 2], cz, a_z, pz)):
        np.subtract(c, a, out=tmp)
        tmp *= p
        np.add(mi, tmp, out=gi)
    for gi, mi, ci, pj, aj, pi in ((g[3], m[:, 3], cx, py, a_y, px),
                                   (g[4], m[:, 4], cx, pz, a_z, px),
                                   (g[5], m[:, 5], cy, pz, a_z, py)):
        np.multiply(ci, pj, out=tmp)
        np.add(mi, tmp, out=gi)
        np.multiply(aj, pi, out=tmp)
        gi -= tmp
    visible = ws.get("visible", shape)
    observed = ws.get("observed", shape)
    if n_groups == 1:
        np.copyto(visible, counts[:, 0])
        np.greater(visible, 0.5, out=observed, casting="unsafe")
    else:
        np.sum(counts, axis=1, out=visible)
        np.copyto(observed, (counts > 0.5).sum(axis=1), casting="unsafe")
    clocks = []
    for c in range(n_groups):  # a loop over constellations (at most a handful)
        n_c = counts[:, c]
        b_0 = m[:, 10 + 3 * n_groups + c]
        e = [ws.get(f"e{c}{k}", shape) for k in "xyz"]
        for ek, bk, p in zip(e, (m[:, 10 + 3 * c], m[:, 11 + 3 * c], m[:, 12 + 3 * c]),
                             (px, py, pz), strict=True):
            np.multiply(b_0, p, out=tmp)
            np.subtract(bk, tmp, out=ek)  # g_c = sum B (r - p)
        inv_n = ws.get(f"inv_n{c}", shape)
        # with nothing in view g_c = 0, so 1/max(n, 1) leaves G alone as it should
        np.maximum(n_c, f32(1), out=inv_n)
        np.divide(f32(1), inv_n, out=inv_n)
        if n_groups > 1:
            # no clock column for a constellation with nothing in view
            np.multiply(inv_n, n_c > 0.5, out=inv_n)
        s = [ws.get(f"s{k}", shape) for k in "xyz"]
        for sk, ek in zip(s, e, strict=True):
            np.multiply(ek, inv_n, out=sk)
        for gi, (i, j) in zip(g, ((0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2)), strict=True):
            np.multiply(e[i], s[j], out=tmp)
            gi -= tmp
        clocks.append((e, inv_n))
    # cofactors of the symmetric S = [[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]]
    gxx, gyy, gzz, gxy, gxz, gyz = g
    need_vdop = bool(want & {"hdop", "vdop"})
    need_tdop = bool(want & {"tdop", "gdop"})
    n_cof = 6 if (need_vdop or need_tdop) else 5  # c23 only enters the quadratic forms
    cof = [ws.get(f"c{i}", shape) for i in range(n_cof)]  # 11 22 33 12 13 [23]
    for ci, (a, b, c, d) in zip(cof, ((gyy, gzz, gyz, gyz), (gxx, gzz, gxz, gxz),
                                      (gxx, gyy, gxy, gxy), (gxz, gyz, gzz, gxy),
                                      (gxy, gyz, gyy, gxz), (gxy, gxz, gxx, gyz)),
                                strict=False):
        np.multiply(a, b, out=ci)
        np.multiply(c, d, out=tmp)
        ci -= tmp
    c11, c22, c33, c12, c13 = cof[:5]
    c23 = cof[5] if n_cof == 6 else None
    det = ws.get("det", shape)
    np.multiply(gxx, c11, out=det)
    for gi, ci in ((gxy, c12), (gxz, c13)):
        np.multiply(gi, ci, out=tmp)
        det += tmp
    inv_det = ws.get("inv_det", shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        np.divide(f32(1), det, out=inv_det)
        pdop2 = ws.get("pdop2", shape)
        np.add(c11, c22, out=pdop2)
        pdop2 += c33
        pdop2 *= inv_det

        def quad(v: tuple[np.ndarray, ...], out: np.ndarray) -> np.ndarray:
            # v^T Q v = v^T C v / det with the cofactor matrix C (symmetric)
            terms = ((c11, 0, 0, 1), (c22, 1, 1, 1), (c33, 2, 2, 1), (c12, 0, 1, 2),
                     (c13, 0, 2, 2), (c23, 1, 2, 2))
            for k, (ck, i, j, factor) in enumerate(terms):
                if v[i].ndim == 1:  # per-point vector (the up direction): product is small
                    np.multiply(ck, v[i] * v[j] * f32(factor), out=tmp)
                else:
                    np.multiply(v[i], v[j], out=tmp)
                    if factor != 1:
                        np.multiply(tmp, f32(factor), out=tmp)
                    np.multiply(tmp, ck, out=tmp)
                if k == 0:
                    np.copyto(out, tmp)
                else:
                    np.add(out, tmp, out=out)
            np.multiply(out, inv_det, out=out)
            return out

        out = {"pdop": pdop2}
        if need_vdop:
            ups = tuple(np.ascontiguousarray(up[:, i], dtype=f32) for i in range(3))
            vdop2 = quad(ups, ws.get("vdop2", shape))
            hdop2 = ws.get("hdop2", shape)
            np.subtract(pdop2, vdop2, out=hdop2)
            out["vdop"], out["hdop"] = vdop2, hdop2
        if need_tdop:
            tdop2 = ws.get("tdop2", shape)
            tq = ws.get("tq", shape)
            for c, (e, inv_n) in enumerate(clocks):
                quad(tuple(e), tq)
                tq *= inv_n
                tq += 1
                tq *= inv_n
                if c == 0:
                    np.copyto(tdop2, tq)
                else:
                    tdop2 += tq
            gdop2 = ws.get("gdop2", shape)
            np.add(pdop2, tdop2, out=gdop2)
            out["tdop"], out["gdop"] = tdop2, gdop2
        np.add(observed, 2.5, out=observed)
        has = np.greater_equal(visible, observed)
        has &= det > 0
    return visible, has, {k: v for k, v in out.items() if k in want or k == "pdop"}
def dop_from_moments(
    counts: np.ndarray, moments: np.ndarray, pos: np.ndarray, up: np.ndarray
) -> dict[str, np.ndarray]:
    """GDOP, PDOP, HDOP, VDOP, TDOP from the moments of the visible satellites.

    The normal matrix ``H^T H`` of the rows ``(-e, onehot)`` is ``[[G, -g_c], [-g_c^T, n_c]]``
    with ``G = sum e e^T``, ``g_c = sum_c e``, ``n_c`` = satellites of constellation c. Its
    inverse's position block is ``Q = S^-1`` with the Schur complement
    ``S = G - sum_c g_c g_c^T / n_c`` (symmetric 3x3, inverted by cofactors), and the clock
    variances are ``1/n_c + g_c^T Q g_c / n_c^2``. Constellations with nothing in view have no
    clock column. With fewer than 3 + (clock columns) satellites there is no DOP (NaN).

    Parameters
    ----------
    counts
        (T, C, P) visible satellites per constellation.
    moments
        (T, 10 + 4C, P): sums over visible satellites of ``A [xx, yy, zz, xy, xz, yz, x, y, z,
        1]`` with ``A = 1/rho^2``, then per constellation ``B [x, y, z]`` and ``B`` with
        ``B = 1/rho`` (r = satellite ITRS position, km; rho = range, km).
    pos, up
        (P, 3) ITRS position (km) and geodetic up unit vector of each point.

    Returns
    -------
    dict
        ``visible`` (T, P) int16 and ``gdop``, ``pdop``, ``hdop``, ``vdop``, ``tdop`` (T, P)
        float32, NaN where unavailable.
    """
    counts = np.asarray(counts, dtype=np.float32)
    moments = np.asarray(moments, dtype=np.float32)
    ws = _Workspace(counts.shape[0] * counts.shape[2])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        visible, has, dop2 = _dop_planes(counts, moments, pos, up, ws)
        sink = _SeriesSink(*visible.shape)
        sink.add(np.arange(visible.shape[0]), visible, has, dop2)
    return {k: v for k, v in sink.out.items() if k != "has"}


# ----------------------------------------------------------------------------- summaries


def _point_quantiles(values: np.ndarray, qs: Sequence[float]) -> list[np.ndarray]:
    """Per-column quantiles (linear interpolation, like numpy) over the finite values of (T, P).

    Columns with every value finite (the usual case) go through one ``np.partition``; the
    rest are sorted in groups of equal valid count.
    """
    n_t, n_p = values.shape
    finite = np.isfinite(values)
    n_valid = finite.sum(axis=0)
    out = [np.full(n_p, np.nan, dtype=np.float64) for _ in qs]

    def pick(block: np.ndarray, n: int, cols: np.ndarray, presorted: bool) -> None:
        ranks = [q * (n - 1) for q in qs]
        kth = sorted({int(math.floor(r)) for r in ranks} | {int(math.ceil(r)) for r in ranks})
        part = block if presorted else np.partition(block, kth, axis=0)
        for i, r in enumerate(ranks):
            lo, hi = int(math.floor(r)), int(math.ceil(r))
            frac = r - lo
            out[i][cols] = part[lo] * (1 - frac) + part[hi] * frac

    full = n_valid == n_t
    if full.any():
        cols = np.flatnonzero(full)
        pick(values[:, cols].astype(np.float64), n_t, cols, presorted=False)
    rest = np.flatnonzero(~full & (n_valid > 0))
    if rest.size:
        block = np.where(finite[:, rest], values[:, rest], np.inf).astype(np.float64)
        block.sort(axis=0)
        for n in np.unique(n_valid[rest]):
            sel = n_valid[rest] == n
            pick(block[:n, sel], int(n), rest[sel], presorted=True)
    return out


@dataclass
class _TileSummary:
    """What one task sends back: per-node sums over its epochs (see coverage_summary)."""

    index: np.ndarray  # flat node indices of the tile
    t0: int  # first epoch of the block
    sums: dict[str, np.ndarray]  # sum_visible, n_dop, n_available, sum_<dop> per node
    min_visible: np.ndarray
    max_visible: np.ndarray
    quantiles: dict[str, np.ndarray] | None = None  # per-node median / p95 PDOP
    pdop: np.ndarray | None = None  # (T, P) PDOP, NaN where none (exact quantiles)
    hist: np.ndarray | None = None  # weighted histogram instead (very large runs)




# ----------------------------------------------------------------------------- drivers


def _tile_blocks(grid: Grid, tile_points: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(latitude indices, longitude indices) of compact tiles of about ``tile_points`` nodes.

    Rows and columns are split evenly (no sliver tiles of one column, whose per-call
    overhead would dominate); near the poles tiles are wider in longitude, so that each
    covers about the same area and the visibility cull stays as sharp.
    """
    n_lat, n_lon = grid.shape
    side = max(1, int(round(math.sqrt(tile_points))))
    tiles = []
    for rows in np.array_split(np.arange(n_lat), max(1, round(n_lat / side))):
        lat_min = float(np.clip(np.abs(grid.lat_deg[rows]).min(), 0, 89.0))
        width = max(side, side / max(math.cos(math.radians(lat_min)), 1e-3))
        for cols in np.array_split(np.arange(n_lon), max(1, round(n_lon / width))):
            tiles.append((rows, cols))
    return tiles


def _tiles(grid: Grid, tile_points: int) -> list[np.ndarray]:
    """Flat node indices (latitude-major) of the tiles of :func:`_tile_blocks`."""
    n_lon = grid.shape[1]
    return [(rows[:, None] * n_lon + cols[None, :]).ravel()
            for rows, cols in _tile_blocks(grid, tile_points)]


_BLAS_LOCAL: Any = False  # not looked up yet


def _openblas_local_threads() -> Callable[[int], int] | None:
    """``openblas_set_num_threads_local`` of the OpenBLAS numpy uses, if there is one.

    Our matrix products are small; when OpenBLAS also threads them while our worker
    threads run, the two compete for the two cores and a run gets 5-10x slower (measured).
    Each worker therefore asks OpenBLAS for one thread *for its own calls only*; other code
    in the process keeps its setting.
    """
    global _BLAS_LOCAL
    if _BLAS_LOCAL is not False:
        return _BLAS_LOCAL
    _BLAS_LOCAL = None
    try:
        import ctypes

        with open("/proc/self/maps", encoding="utf-8") as fh:
            paths = {line.split()[-1] for line in fh if "openblas" in line.lower()}
        for path in sorted(paths):
            lib = ctypes.CDLL(path)
            fn = getattr(lib, "openblas_set_num_threads_local", None)
            if fn is not None:
                fn.argtypes = [ctypes.c_int]
                fn.restype = ctypes.c_int
                _BLAS_LOCAL = fn
                break
    except (OSError, AttributeError, IndexError):  # not Linux, or another BLAS
        _BLAS_LOCAL = None
    return _BLAS_LOCAL


def _default_workers() -> int:
    if _openblas_local_threads() is None and not os.environ.get("ORBITKIT_THREADS"):
        # without per-thread BLAS control, threads of ours would fight BLAS's own threads
        return 1
    from orbitkit.executor import default_workers

    return default_workers()


def _positions(r_itrs_km: Any) -> np.ndarray:
    """``r_itrs_km`` as an (S, T, 3) array, or a message that says what to pass."""
    if hasattr(r_itrs_km, "r_itrs_km") and not isinstance(r_itrs_km, np.ndarray):
        raise ValueError("r_itrs_km: give the (S, T, 3) positions array "
                         f"(e.g. ephemeris.r_itrs_km), not a {type(r_itrs_km).__name__}")
    r = np.asarray(r_itrs_km, dtype=float)
    if r.ndim != 3 or r.shape[2] != 3:
        raise ValueError(f"r_itrs_km must have shape (S, T, 3), not {r.shape}")
    return r


_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _epoch_datetimes(times: Any, n_t: int) -> list[datetime]:
    """The ``n_t`` epochs as aware UTC datetimes, from any time input orbitkit accepts.

    ``Ephemeris.times`` and :func:`~orbitkit.timeutil.time_grid` give ``datetime64``; the
    results format and plot aware datetimes, so every input is converted here (and naive
    datetimes are refused here rather than silently read as UTC).
    """
    from orbitkit.timeutil import to_datetime64

    t64 = to_datetime64(times, what="times")
    if t64.size != n_t:
        raise ValueError(f"times must have one entry per epoch of r_itrs_km ({n_t}), "
                         f"not {t64.size}")
    us = t64.astype("datetime64[us]").astype(np.int64).tolist()
    return [_UNIX_EPOCH + timedelta(microseconds=u) for u in us]


# Epochs of one task when no per-node quantile needs a node's whole series: a week every
# 5 minutes. Longer runs are cut in time too, so a task's memory and time stay bounded.
_TIME_BLOCK_EPOCHS = 2016


@dataclass(frozen=True)
class CoverageTask:
    """One block of a coverage run: grid rows x columns (indices) and epochs ``t0..t1-1``."""

    rows: np.ndarray
    cols: np.ndarray
    t0: int
    t1: int


@dataclass(frozen=True)
class CoverageShared:
    """What every coverage task reads (scattered once to a cluster's workers)."""

    table: SatelliteTable
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    height_km: float
    pdop_threshold: float
    dops: frozenset[str]
    cull: bool
    point_quantiles: bool
    #: integer node weights (flat) for the tasks' PDOP histograms
    hist_weights: np.ndarray | None = None
    #: histogram bins (float32 bits >> shift): coarse when the PDOP planes come back too
    #: (exact quantiles), fine when the histogram is all (very large runs)
    hist_shift: int = 12
    keep_pdop: bool = True


_TASK_LOCAL = threading.local()


def coverage_task(task: CoverageTask, shared: CoverageShared) -> _TileSummary:
    """Visibility and DOP sums of one grid tile over one block of epochs: a pure function.

    The unit the executor runs (threads here, Dask workers on a cluster); see
    :mod:`orbitkit.executor` and :mod:`orbitkit.coverage_summary` for the merge.
    """
    blas_local = _openblas_local_threads()
    if blas_local is not None:
        blas_local(1)  # this worker's BLAS calls stay on this worker's core
    ws = getattr(_TASK_LOCAL, "ws", None)
    if ws is None:
        ws = _TASK_LOCAL.ws = _Workspace(0)
    n_lon = shared.lon_deg.size
    rows, cols = task.rows, task.cols
    index = (rows[:, None] * n_lon + cols[None, :]).ravel()
    lat = np.repeat(shared.lat_deg[rows], cols.size)
    lon = np.tile(shared.lon_deg[cols], rows.size)
    pos, up = _geodetic_points(np.radians(lat), np.radians(lon), shared.height_km)
    table = shared.table
    if (task.t0, task.t1) != (0, table.n_epochs):
        table = table.epochs(task.t0, task.t1)
    n_t = task.t1 - task.t0
    sink = _SummarySink(n_t, index.size, shared.pdop_threshold)
    _tile_kernel(table, pos, up, sink, cull=shared.cull, dops=shared.dops, ws=ws)
    sums = {"sum_visible": sink.sum_vis, "n_dop": sink.n_has, "n_available": sink.n_avail}
    sums.update({f"sum_{k}": v for k, v in sink.sums.items()})
    out = _TileSummary(index=index, t0=task.t0, sums=sums,
                       min_visible=np.rint(sink.min_vis).astype(np.int32),
                       max_visible=np.rint(sink.max_vis).astype(np.int32))
    if shared.point_quantiles:
        med, p95 = _point_quantiles(sink.pdop, (0.5, 0.95))
        out.quantiles = {"median_pdop": med, "p95_pdop": p95}
    from orbitkit.coverage_summary import quantile_histogram

    out.hist = quantile_histogram(sink.pdop, shared.hist_weights[index], shared.hist_shift)
    if shared.keep_pdop:
        out.pdop = sink.pdop
    return out


def _describe_task(grid: Grid, epochs: list[datetime]) -> Callable[[CoverageTask], str]:
    from orbitkit.timeutil import format_utc

    def describe(task: CoverageTask) -> str:
        lat, lon = grid.lat_deg[task.rows], grid.lon_deg[task.cols]
        return (f"coverage tile lat {lat[0]:g}..{lat[-1]:g} deg, lon {lon[0]:g}..{lon[-1]:g} "
                f"deg, epochs {task.t0}..{task.t1 - 1} ({format_utc(epochs[task.t0])} .. "
                f"{format_utc(epochs[task.t1 - 1])})")

    return describe


class _CoverageMerge:
    """Whole-grid per-node arrays filled tile by tile, in time order within a tile."""

    def __init__(self, n_points: int, n_blocks: int, keep_pdop: bool) -> None:
        self.n_points = n_points
        self.n_blocks = n_blocks
        self.keep_pdop = keep_pdop
        self.flat: dict[str, np.ndarray] = {}
        self.pending: dict[int, dict[int, _TileSummary]] = {}
        self.pdop_parts: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self.hist: np.ndarray | None = None

    def add(self, tile: int, res: _TileSummary) -> None:
        if res.hist is not None:  # integer histogram: exact in any order
            self.hist = res.hist if self.hist is None else self.hist + res.hist
            res.hist = None
        if res.pdop is not None and self.keep_pdop:
            self.pdop_parts[(tile, res.t0)] = (res.index, res.pdop)
            res.pdop = None
        parts = self.pending.setdefault(tile, {})
        parts[res.t0] = res
        if len(parts) < self.n_blocks:
            return
        del self.pending[tile]
        blocks = [parts[t0] for t0 in sorted(parts)]  # time order, whatever the arrival
        first = blocks[0]
        sums = {k: v.copy() for k, v in first.sums.items()}
        lo, hi = first.min_visible.copy(), first.max_visible.copy()
        for b in blocks[1:]:
            for k, v in b.sums.items():
                sums[k] += v
            np.minimum(lo, b.min_visible, out=lo)
            np.maximum(hi, b.max_visible, out=hi)
        values = dict(sums, min_visible=lo, max_visible=hi, **(first.quantiles or {}))
        for key, v in values.items():
            if key not in self.flat:
                self.flat[key] = np.empty(self.n_points, dtype=v.dtype)
            self.flat[key][first.index] = v


def compute_coverage(
    r_itrs_km: np.ndarray,
    times: Sequence[datetime],
    grid: Grid,
    *,
    mask_deg: float = 10.0,
    pdop_threshold: float = 6.0,
    ok: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    group_names: Sequence[str] | None = None,
    point_quantiles: bool = True,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cull: bool = True,
    label: str = "",
    dops: Sequence[str] = DOP_KINDS,
    weighting: str = "area",
    executor: Any = None,
) -> CoverageResult:
    """Visible satellites and DOP over a grid for every epoch, summarised over time.

    Parameters
    ----------
    r_itrs_km
        (S, T, 3) Earth-fixed satellite positions, km.
    times
        The T epochs, for the result's span: aware UTC datetimes, ``datetime64`` (UTC, as
        ``Ephemeris.times``) or anything :func:`orbitkit.timeutil.to_datetime64` takes.
    grid
        From :func:`make_grid`.
    mask_deg
        Elevation mask, degrees.
    pdop_threshold
        Availability counts point-epochs with a DOP and PDOP <= this.
    ok
        (S, T) valid samples (failed ones are never visible).
    groups, group_names
        Constellation index of each satellite and the names of the constellations (one
        receiver clock per constellation).
    point_quantiles
        Compute per-point median / 95th percentile of PDOP (for the CSV); the over-all ones
        are always computed.
    workers
        Threads of the embedded executor (default: the CPUs available, or
        ``ORBITKIT_THREADS``); ignored when ``executor`` is given.
    progress
        Called with (done, total) tasks.
    dops
        DOP kinds to compute (PDOP always is): fewer kinds, less work.
    weighting
        ``"area"`` (default): each node weighs its cell's area clipped to the region, so the
        statistics are over the Earth's surface; ``"points"``: every node weighs the same
        (see :mod:`orbitkit.coverage_summary`).
    executor
        Where the tasks run: ``None`` (this machine), a ``dask.distributed.Client``, an
        address ``"tcp://HOST:PORT"`` or an :mod:`orbitkit.executor` executor. The answer
        is the same bit for bit.

    Raises
    ------
    RequestTooLargeError
        When points x epochs is absurd for one machine.
    """
    from orbitkit import coverage_summary as cs
    from orbitkit.executor import Embedded, run_tasks

    if not isinstance(grid, Grid):
        raise TypeError(f"grid: expected a Grid from make_grid(), not {type(grid).__name__} "
                        f"{grid!r} (e.g. make_grid('global', 2.0))")
    r = _positions(r_itrs_km)
    n_sat, n_t = r.shape[0], r.shape[1]
    epochs = _epoch_datetimes(times, n_t)
    if not (math.isfinite(pdop_threshold) and pdop_threshold > 0):
        raise UserError(f"PDOP threshold {pdop_threshold!r}: must be a positive number")
    weights = cs.node_weights(grid, weighting).ravel()
    point_epochs = float(grid.n_points) * n_t
    if grid.n_points > _MAX_POINTS:
        raise RequestTooLargeError(
            f"a grid of {grid.n_points:,} points needs about {grid.n_points * 120 / 1e6:.0f} MB "
            f"for its maps (limit {_MAX_POINTS:,} points); use a coarser --resolution-deg or "
            "a smaller --region"
        )
    if point_epochs > _MAX_POINT_EPOCHS:
        raise RequestTooLargeError(
            f"{grid.n_points:,} points x {n_t:,} epochs = {point_epochs:.3g} point-epochs is "
            f"more than one run should do (limit {_MAX_POINT_EPOCHS:.0e}); use a coarser "
            "--resolution-deg, a smaller --region, fewer --hours or a longer --step-min"
        )
    want = frozenset(dops) | {"pdop"}
    unknown = want - set(DOP_KINDS)
    if unknown:
        raise ValueError(f"unknown DOP kinds {sorted(unknown)}; choose from {DOP_KINDS}")
    table = satellite_table(r, mask_deg, ok=ok, groups=groups, min_height_km=grid.height_km)
    # blocks of epochs: one for the whole span unless it is long and no per-node quantile
    # needs a node's whole series
    block = n_t if point_quantiles or n_t <= _TIME_BLOCK_EPOCHS else _TIME_BLOCK_EPOCHS
    spans = [(t0, min(n_t, t0 + block)) for t0 in range(0, max(n_t, 1), block)]
    # memory bound: a tile keeps (T, ncol, P) moments and (T, P) DOP arrays; shrink the tile
    # so that those stay around 64 MB whatever the number of epochs
    ncol = 10 + 5 * table.n_groups + 8
    tile_points = int(min(_TILE_POINTS, max(16, (64 << 20) // (4 * ncol * max(block, 1)))))
    tiles = _tile_blocks(grid, tile_points)
    exact = point_epochs <= cs.MAX_EXACT_QUANTILE_VALUES
    shared = CoverageShared(
        table=table, lat_deg=grid.lat_deg, lon_deg=grid.lon_deg, height_km=grid.height_km,
        pdop_threshold=float(pdop_threshold), dops=want, cull=cull,
        point_quantiles=point_quantiles,
        hist_weights=cs.integer_weights(weights), keep_pdop=exact,
        hist_shift=cs.COARSE_SHIFT if exact else 12)
    # tile-major: the blocks of epochs of one tile are neighbours, so the merge holds few
    # unfinished tiles
    tasks = [CoverageTask(rows, cols, t0, t1) for rows, cols in tiles for t0, t1 in spans]
    merge = _CoverageMerge(grid.n_points, len(spans), keep_pdop=exact)
    if executor is None:
        executor = Embedded(workers or _default_workers())
    for i, res in run_tasks(coverage_task, tasks, shared, executor=executor,
                            describe=_describe_task(grid, epochs), progress=progress):
        merge.add(i // len(spans), res)
    _TASK_LOCAL.__dict__.pop("ws", None)  # this thread's scratch, if tasks ran inline
    flat = merge.flat

    with np.errstate(invalid="ignore", divide="ignore"):
        n_has = flat["n_dop"]
        per: dict[str, np.ndarray] = {
            "mean_visible": flat["sum_visible"] / n_t,
            "min_visible": flat["min_visible"],
            "max_visible": flat["max_visible"],
            "dop_share": n_has / n_t,
            "availability": flat["n_available"] / n_t,
        }
        for key in DOP_KINDS:
            if f"sum_{key}" in flat:
                per[f"mean_{key}"] = np.where(n_has > 0, flat[f"sum_{key}"] /
                                              np.maximum(n_has, 1), np.nan)
        for key in ("median_pdop", "p95_pdop"):
            if key in flat:
                per[key] = flat[key]
    maps = {key: per[key].reshape(grid.shape) for key in _POINT_FIELDS if key in per}

    # weighted totals, once, from the whole-grid arrays (fixed order: exact and repeatable)
    w_total = float(weights.sum())
    w_dop = float(weights @ n_has)
    summary: dict[str, Any] = {
        "points": grid.n_points,
        "epochs": n_t,
        "weighting": weighting,
        "mean_visible": float(weights @ flat["sum_visible"]) / (w_total * n_t),
        "min_visible": int(flat["min_visible"].min()),
        "max_visible": int(flat["max_visible"].max()),
    }
    for key in DOP_KINDS:
        if f"sum_{key}" in flat:
            summary[f"mean_{key}"] = float(weights @ flat[f"sum_{key}"]) / w_dop \
                if w_dop > 0 else None
    if exact:
        parts = [(merge.pdop_parts[k][1], weights[merge.pdop_parts[k][0]])
                 for k in sorted(merge.pdop_parts)]
        med, p95 = cs.weighted_quantiles(parts, (0.5, 0.95), merge.hist, cs.COARSE_SHIFT)
        del parts
        merge.pdop_parts.clear()
    else:
        med, p95 = cs.histogram_quantiles(merge.hist, (0.5, 0.95))
    summary["median_pdop"] = med
    summary["p95_pdop"] = p95
    summary["quantiles"] = "exact" if exact else "histogram"
    summary["dop_share"] = w_dop / (w_total * n_t)
    summary["pdop_availability"] = float(weights @ flat["n_available"]) / (w_total * n_t)
    return CoverageResult(
        grid=grid,
        times=epochs,
        mask_deg=float(mask_deg),
        pdop_threshold=float(pdop_threshold),
        n_satellites=n_sat,
        summary=summary,
        maps=maps,
        constellations=list(group_names or []),
        label=label,
    )


def site_series(
    r_itrs_km: np.ndarray,
    times: Sequence[datetime],
    lat_deg: float,
    lon_deg: float,
    height_km: float = 0.0,
    *,
    mask_deg: float = 10.0,
    ok: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    name: str = "",
    label: str = "",
) -> SiteSeries:
    """Visible count and DOP at one site for every epoch (same kernel as the maps).

    ``r_itrs_km`` and ``times`` are as in :func:`compute_coverage`; ``lat_deg``/``lon_deg``
    geodetic degrees and ``height_km`` above the WGS84 ellipsoid.
    """
    r = _positions(r_itrs_km)
    epochs = _epoch_datetimes(times, r.shape[1])
    if not (math.isfinite(lat_deg) and -90.0 <= lat_deg <= 90.0
            and math.isfinite(lon_deg)):
        raise UserError(f"site {lat_deg!r},{lon_deg!r}: lat_deg must be within -90..90 and "
                        "lon_deg a finite number of degrees")
    table = satellite_table(r, mask_deg, ok=ok, groups=groups, min_height_km=height_km)
    pos, up = _geodetic_points(np.radians([lat_deg]), np.radians([lon_deg]), height_km)
    dop = coverage_chunk(table, pos, up)
    return SiteSeries(
        name=name or f"{lat_deg:g},{lon_deg:g}",
        lat_deg=float(lat_deg),
        lon_deg=float(lon_deg),
        height_km=float(height_km),
        times=epochs,
        mask_deg=float(mask_deg),
        visible=dop["visible"][:, 0].astype(np.int32),
        gdop=dop["gdop"][:, 0],
        pdop=dop["pdop"][:, 0],
        hdop=dop["hdop"][:, 0],
        vdop=dop["vdop"][:, 0],
        tdop=dop["tdop"][:, 0],
        label=label,
    )
