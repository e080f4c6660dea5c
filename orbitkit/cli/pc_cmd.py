"""``orbitkit pc CDM_FILE``: collision probability from a Conjunction Data Message.

Reads a KVN CDM (:func:`orbitkit.conjunctions.cdm.read_cdm`), rotates each object's RTN
covariance to the inertial frame of its state, and computes the 2-D probability (Foster
1992 by default, Chan 1997 with ``--method chan``). The hard-body radius: ``--hbr-m``, else
the CDM's ``COMMENT HBR = ... [m]``, else the default (stated on stderr).
"""

from __future__ import annotations

import argparse
import sys
import warnings

from orbitkit.cli.common import add_format_option, emit_json, emit_table, info, positive_float, warn

#: Hard-body radius when neither --hbr-m nor the CDM gives one [m] (CARA's common 20 m).
DEFAULT_PC_HBR_M = 20.0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "pc",
        help="collision probability from a CCSDS CDM (Foster 1992 or Chan 1997)",
        description="Read a CCSDS Conjunction Data Message (KVN) and compute the 2-D "
        "collision probability from its states and covariances, as an operator does with a "
        "CDM from Space-Track. A non-positive-definite covariance gives Pc 0 with a warning.",
    )
    parser.add_argument("cdm", metavar="CDM_FILE", help="a KVN CDM file")
    parser.add_argument("--method", choices=("foster", "chan"), default="foster",
                        help="Foster 1992 numerical integration (default) or Chan 1997 series")
    parser.add_argument("--hbr-m", dest="hbr_m", type=positive_float("--hbr-m"), default=None,
                        metavar="R", help="combined hard-body radius, m (default: the CDM's "
                        f"COMMENT HBR, else {DEFAULT_PC_HBR_M:g} m)")
    add_format_option(parser, ("table", "json"), "table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from orbitkit.conjunctions.cdm import read_cdm
    from orbitkit.conjunctions.events import PC_METHODS
    from orbitkit.conjunctions.pc import chan_pc, foster_pc, rtn_to_eci_covariance

    rec = read_cdm(args.cdm)
    o1, o2 = rec.objects
    if args.hbr_m is not None:
        hbr_m = args.hbr_m
    elif rec.hbr_m is not None:
        hbr_m = rec.hbr_m
    else:
        hbr_m = DEFAULT_PC_HBR_M
        info(f"{args.cdm}: no COMMENT HBR line; using the default hard-body radius "
             f"{hbr_m:g} m (give --hbr-m)")
    c1 = rtn_to_eci_covariance(o1.r_km, o1.v_km_s, o1.cov_rtn_km2)
    c2 = rtn_to_eci_covariance(o2.r_km, o2.v_km_s, o2.cov_rtn_km2)
    fn = foster_pc if args.method == "foster" else chan_pc
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pc = fn(o1.r_km, o1.v_km_s, c1, o2.r_km, o2.v_km_s, c2, hbr_m / 1000.0)
    for w in caught:
        warn(f"{args.cdm}: {w.message}")
    import numpy as np

    miss_km = float(np.linalg.norm(o2.r_km - o1.r_km))
    tca = rec.tca.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    result = {"pc": float(pc), "method": PC_METHODS[args.method], "tca_utc": tca,
              "miss_km": round(miss_km, 6), "hbr_m": float(hbr_m)}
    if args.format == "json":
        emit_json(result)
    else:
        emit_table(["pc", "method", "TCA (UTC)", "miss km", "HBR m"],
                   [[f"{pc:.6e}", result["method"], tca, f"{miss_km:.4f}", f"{hbr_m:g}"]])
        if rec.collision_probability is not None:
            sys.stdout.write(f"the CDM's own value: {rec.collision_probability:.6e}"
                             f" ({rec.collision_probability_method or 'method not given'})\n")
    return 0
