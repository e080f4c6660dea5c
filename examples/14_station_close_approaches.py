"""14 — Who comes close to the space station this week?

The idea
--------
Thousands of satellites share low Earth orbit with the China Space Station. Two objects
*conjunct* when their distance passes through a minimum: the time of closest approach
(TCA) and the miss distance there. CelesTrak's SOCRATES lists every pair closer than 5 km
twice a day; the station manoeuvred twice in 2021 to stay clear of Starlink satellites.

orbitkit screens the station against every object of an element file for a week (SGP4,
as SOCRATES does) without missing an approach: its time steps and safety margins come
from bounds on how fast two objects can close on each other, not from a guess. Element
sets carry no uncertainty, so, like SOCRATES, it gives the *maximum* collision
probability: the worst an error ellipse of a fixed shape could make it.

What to look at
---------------
* The table: most close approaches happen at 8-15 km/s. Look at the in-track (T) and
  radial (R) parts of each miss: head-on passes miss mostly sideways.
* Left panels: the distance around each TCA. A fast pass is a sharp V lasting a second or
  two; a slow one (an object on a similar orbit) is a shallow bowl that lasts minutes.
* Right panels: the encounter plane, seen along the relative velocity: the miss vector,
  the hard-body circle (the station's modules span ~40 m) and the worst-case error ellipse.

Try next
--------
Set ``THRESHOLD_KM = 5`` (SOCRATES's value): how many approaches are left this week? Then
screen BeiDou instead (``TARGET = "beidou-3"``) with a catalogue file: why are there far
fewer close approaches at 21,500 km than at 390 km?

Run: ``python 14_station_close_approaches.py [ELEMENT_FILE [START]]`` (offline; without a
file it uses eleven element sets of the 2026-02-24 CelesTrak snapshot embedded below: the
station and ten objects that pass near it in the first week of March 2026; START is ISO
8601 UTC, default 2026-03-01; writes 14_station_close_approaches.png).
"""

from __future__ import annotations

import sys
from datetime import timedelta

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)

from orbitkit import find_conjunctions, parse_text, parse_utc, read_elements  # noqa: E402
from orbitkit.plots.conjunctions import plot_conjunctions  # noqa: E402

TARGET = 48274  # CSS (Tianhe); its docked modules and ships share its element set
THRESHOLD_KM = 25.0
DAYS = 7

# CelesTrak "active" snapshot of 2026-02-24 (public GP data): the station and ten objects
# that come within 25 km of it between 2026-03-01 and 03-08.
EMBEDDED = """\
CSS (TIANHE)
1 48274U 21035A   26055.08242906  .00019707  00000+0  23964-3 0  9995
2 48274  41.4668 290.9181 0005449 183.7722 176.3076 15.60067811275489
STARLINK-30584
1 58089U 23160Q   26055.25002315  .01847296  00000+0  10408+0 0  9996
2 58089  42.9998 152.9878 0000530 199.3928  17.4566 15.08981638  5780
TRANSPORTER-12 OBJECT CN
1 62693U 25009CN  26052.48143872  .00134289  00000+0  18213-2 0  9997
2 62693  97.4121 141.6719 0002937 252.4041 107.6893 15.57190787119274
CYGFM02
1 41886U 16078C   26055.25174757  .00028690  00000+0  39211-3 0  9998
2 41886  34.9410 255.3274 0006429 198.1139 161.9357 15.56403853511516
STARLINK-1679
1 46557U 20070AB  26054.78049125  .00103937  00000+0  15315-2 0  9998
2 46557  53.0500 191.5538 0007716 177.0614 183.0443 15.54584964298071
STARLINK-1964
1 47565U 21009T   26055.17251410  .00083303  00000+0  85782-3 0  9997
2 47565  53.0463  35.6021 0004773 282.2639  77.7840 15.64145156279414
SDX02
1 62460U 24253B   26055.29381911  .00054070  00000+0  76182-3 0  9998
2 62460  54.9935 154.8008 0003321 318.7880  41.2905 15.56158124 64879
STARLINK-1278
1 45408U 20019BA  26054.12063253  .00092989  00000+0  14726-2 0  9990
2 45408  53.0470 200.7617 0002574 137.3188 222.8021 15.52677331327698
STARLINK-30566
1 58054U 23158D   26055.25002315  .02098251  00000+0  77371-1 0  9999
2 58054  43.0000 102.6546 0001387 228.8765 287.0201 15.23473425  5788
MCUBED-2
1 39472U 13072L   26054.89992333  .00077023  00000+0  98637-3 0  9995
2 39472 120.4853  51.1281 0053614 293.1501  66.3947 15.56886250 99096
STARLINK-30578
1 58093U 23160U   26055.25002315  .01744017  00000+0  86065-1 0  9992
2 58093  42.9990 153.2605 0001068 288.5254 168.6445 15.13987820  5778
"""


def main() -> None:
    start = parse_utc(sys.argv[2] if len(sys.argv) > 2 else "2026-03-01T00:00:00Z")
    if len(sys.argv) > 1:
        sets = read_elements(sys.argv[1]).sets
        print(f"{len(sets):,} element sets from {sys.argv[1]}")
    else:
        sets = parse_text(EMBEDDED, source="file").sets
        print(f"no element file given: the {len(sets)} embedded element sets")
    station = [s for s in sets if s.norad_id == TARGET]
    if not station:
        raise SystemExit(f"the element file has no set for NORAD {TARGET}")
    result = find_conjunctions(station, sets, start=start, stop=start + timedelta(days=DAYS),
                               threshold_km=THRESHOLD_KM)
    print(f"{result.screened_pairs:,} pairs screened over {DAYS} days: "
          f"{len(result.events)} approaches closer than {THRESHOLD_KM:g} km")
    print(f"{'TCA (UTC)':24} {'miss km':>8} {'km/s':>6} {'R km':>7} {'T km':>7} {'N km':>7}"
          "  object")
    for e in result.events[:15]:
        r, t, n = e.rtn_km
        print(f"{e.tca_utc:24} {e.miss_km:8.3f} {e.relative_speed_km_s:6.2f} {r:7.2f} "
              f"{t:7.2f} {n:7.2f}  {e.name_2} ({e.norad_id_2})")
    out = "14_station_close_approaches.png"
    plot_conjunctions(result, out, n_events=3)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
