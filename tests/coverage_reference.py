"""A plain float64 numpy implementation of visibility and DOP, for tests and the benchmark.

Written the textbook way on purpose (line-of-sight vectors, elevation by arcsin, the
geometry matrix H with rows (-e, 1), ``einsum`` for H^T H and ``np.linalg.inv``), one epoch at
a time; it shares nothing with :mod:`orbitkit.coverage` except the WGS84 constants.
"""

from __future__ import annotations

import numpy as np

A_KM = 6378.137
F = 1.0 / 298.257223563
E2 = F * (2.0 - F)


def grid_points(lat_deg: np.ndarray, lon_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (lat, lon) node -> ITRS position km (P,3) and ENU rotation (P,3,3), height 0."""
    lat, lon = np.meshgrid(np.radians(lat_deg), np.radians(lon_deg), indexing="ij")
    lat, lon = lat.ravel(), lon.ravel()
    n = A_KM / np.sqrt(1 - E2 * np.sin(lat) ** 2)
    pos = np.stack([n * np.cos(lat) * np.cos(lon), n * np.cos(lat) * np.sin(lon),
                    n * (1 - E2) * np.sin(lat)], axis=-1)
    east = np.stack([-np.sin(lon), np.cos(lon), np.zeros_like(lon)], axis=-1)
    north = np.stack([-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon), np.cos(lat)],
                     axis=-1)
    up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
    return pos, np.stack([east, north, up], axis=1)


def reference_epochs(r_itrs_km: np.ndarray, pos: np.ndarray, enu: np.ndarray,
                     mask_deg: float, groups: np.ndarray | None = None):
    """Yield per epoch (visible (P,), pdop, hdop, vdop, gdop, tdop) with NaN where < 4 sats."""
    n_sat = r_itrs_km.shape[0]
    groups = np.zeros(n_sat, dtype=int) if groups is None else np.asarray(groups)
    n_g = int(groups.max()) + 1
    for t in range(r_itrs_km.shape[1]):
        los = r_itrs_km[None, :, t, :] - pos[:, None, :]  # (P, S, 3)
        rng = np.linalg.norm(los, axis=-1)
        e = los / rng[..., None]
        e_enu = np.einsum("pij,psj->psi", enu, e)
        elev = np.degrees(np.arcsin(np.clip(e_enu[..., 2], -1, 1)))
        vis = elev >= mask_deg
        n_vis = vis.sum(axis=1)
        clocks = (groups[None, :, None] == np.arange(n_g)) & vis[..., None]  # (P, S, C)
        used = clocks.any(axis=1)  # constellations with a satellite in view
        h = np.concatenate([-e_enu * vis[..., None], clocks.astype(float)], axis=-1)
        nmat = np.einsum("psi,psj->pij", h, h)
        # an unobserved clock column is all zero: put 1 on its diagonal (no effect on the rest)
        idx = np.arange(n_g) + 3
        nmat[:, idx, idx] += ~used
        ok = n_vis >= 3 + used.sum(axis=1)
        nmat[~ok] = np.eye(3 + n_g)
        q = np.linalg.inv(nmat)
        diag = np.diagonal(q, axis1=1, axis2=2)
        hdop = np.sqrt(diag[:, 0] + diag[:, 1])
        vdop = np.sqrt(diag[:, 2])
        pdop = np.sqrt(diag[:, :3].sum(axis=1))
        tdop = np.sqrt((diag[:, 3:] * used).sum(axis=1))
        gdop = np.sqrt(pdop ** 2 + tdop ** 2)
        nan = np.where(ok, 1.0, np.nan)
        yield n_vis, pdop * nan, hdop * nan, vdop * nan, gdop * nan, tdop * nan


def cell_areas_sphere(lat_deg, lon_deg, region, step_deg):
    """Independent area weights: each node's cell (one step, centred) clipped to the region,
    on a sphere (sin(lat_hi) - sin(lat_lo)) * dlon; shape (n_lat, n_lon).

    Written from the definition, not from orbitkit's ellipsoidal formula: on WGS84 the two
    differ by < 0.5 % in relative weight, far less in any weighted mean.
    """
    south, north, west, east = region
    lat = np.asarray(lat_deg, dtype=float)
    lon = np.asarray(lon_deg, dtype=float)
    lo = np.radians(np.maximum(lat - step_deg / 2, south))
    hi = np.radians(np.minimum(lat + step_deg / 2, north))
    w = np.radians(np.minimum(lon + step_deg / 2, east) - np.maximum(lon - step_deg / 2, west))
    return np.outer(np.sin(hi) - np.sin(lo), w)


def reference_summary(r_itrs_km, lat_deg, lon_deg, mask_deg, threshold=6.0, groups=None,
                      weights=None):
    """Over-all mean/min/max visible, mean/median/p95 PDOP and availability (float64).

    ``weights`` (n_lat, n_lon): each point-epoch weighs its node's weight (weighted means;
    quantiles by numpy's weighted inverted CDF); default every node 1 (plain statistics).
    """
    pos, enu = grid_points(lat_deg, lon_deg)
    vis_all, pdop_all = [], []
    for n_vis, pdop, *_ in reference_epochs(r_itrs_km, pos, enu, mask_deg, groups):
        vis_all.append(n_vis)
        pdop_all.append(pdop)
    vis = np.array(vis_all)
    pdop = np.array(pdop_all)
    good = pdop[np.isfinite(pdop)]
    if weights is None:
        return {
            "mean_visible": vis.mean(), "min_visible": int(vis.min()),
            "max_visible": int(vis.max()),
            "mean_pdop": good.mean(), "median_pdop": float(np.median(good)),
            "p95_pdop": float(np.percentile(good, 95)),
            "pdop_availability": float((np.isfinite(pdop) & (pdop <= threshold)).sum()
                                       / pdop.size),
            "visible": vis, "pdop": pdop,
        }
    w = np.broadcast_to(np.asarray(weights, dtype=float).ravel(), pdop.shape)
    fin = np.isfinite(pdop)
    avail = fin & (pdop <= threshold)
    return {
        "mean_visible": float((vis * w).sum() / w.sum()), "min_visible": int(vis.min()),
        "max_visible": int(vis.max()),
        "mean_pdop": float((pdop[fin] * w[fin]).sum() / w[fin].sum()),
        "median_pdop": float(np.quantile(pdop[fin], 0.5, weights=w[fin],
                                         method="inverted_cdf")),
        "p95_pdop": float(np.quantile(pdop[fin], 0.95, weights=w[fin], method="inverted_cdf")),
        "pdop_availability": float(w[avail].sum() / w.sum()),
        "visible": vis, "pdop": pdop,
    }
