"""Vallado's SGP4 verification set through orbitkit's own pipeline.

Authority: Vallado, Crawford, Hujsak & Kelso, "Revisiting Spacetrack Report #3",
AIAA 2006-6753, whose verification file ``SGP4-VER.TLE`` and reference output
``tcppver.out`` ship inside the ``sgp4`` package. Each record's line 2 carries, after
column 69, the start, stop and step (minutes from epoch) of the reference output.

Pipeline: the records are written as an ordinary 3LE file (name from the comment line,
the test-only columns after 69 cut off), read by orbitkit's element parser, propagated in
one batch per satellite by :func:`orbitkit.propagation.propagate` from ``datetime64`` times,
and read back from the :class:`~orbitkit.propagation.Ephemeris` rows.

Tolerance: the reference prints km to 1e-8 and km/s to 1e-9, but it was computed by
another compiler: python-sgp4 itself (``Satrec.sgp4_tsince``) differs from it by up to
1.2e-7 km for 20413 three and a half years after epoch, and its own verification test
allows 2e-7. Our times pass through ``datetime64[ns]`` (each sample within ~1 ns of the
reference minute, 7.5e-9 km at LEO speed). Measured worst case through orbitkit: 1.2e-7 km
and 5e-10 km/s, the same as sgp4's own. Asserted: positions within 2e-7 km (0.2 mm),
velocities within 2e-9 km/s.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import sgp4

from orbitkit.elements.model import ElementSet
from orbitkit.propagation import propagate

SGP4_DIR = Path(os.path.dirname(sgp4.__file__))
POS_TOL_KM = 2e-7
VEL_TOL_KM_S = 2e-9
# Error codes the reference run meets, in file order (python-sgp4's own verification test):
# 22312 & 28350 eccentricity (1), 28872 & 29141 decay (6), 33333 semilatus rectum (4),
# 33334 perturbed eccentricity (3), 20413 decay (6).
EXPECTED_ERRORS = [(22312, 1), (28350, 1), (28872, 6), (29141, 6), (33333, 4), (33334, 3),
                   (20413, 6)]


def _checksum(line: str) -> str:
    total = sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in line[:68])
    return line[:68] + str(total % 10)


def _records() -> list[tuple[str, str, str, float, float, float]]:
    lines = (SGP4_DIR / "SGP4-VER.TLE").read_text().splitlines()
    out = []
    comment = ""
    for i, line in enumerate(lines):
        if line.startswith("#"):
            comment = line.lstrip("#").strip() or comment
        elif line.startswith("1 "):
            line2 = lines[i + 1]
            start, stop, step = (float(x) for x in line2[69:].split())
            name = f"VER {line[2:7].strip()} {comment.split('#')[0].strip()}".strip()
            # The error-code cases 33333-33335 were hand-edited without updating the
            # checksum; the checksum is not what this test is about, so it is restored.
            out.append((name, _checksum(line), _checksum(line2[:69]), start, stop, step))
    return out


def _reference() -> list[tuple[int, list[tuple[float, np.ndarray]]]]:
    """The reference blocks in file order (20413 appears twice)."""
    ref: list[tuple[int, list[tuple[float, np.ndarray]]]] = []
    current: list = []
    for line in (SGP4_DIR / "tcppver.out").read_text().replace("\r", "").splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1] == "xx":
            current = []
            ref.append((int(fields[0]), current))
        elif fields:
            current.append((float(fields[0]), np.array([float(x) for x in fields[1:7]])))
    return ref


def _parse(path: Path) -> tuple[list[ElementSet], list]:
    from orbitkit.elements.parse import read_elements

    result = read_elements(path)
    return result.sets, result.errors


def _direct(name: str, line1: str, line2: str) -> ElementSet:
    """An ElementSet built without the parser (for the record the parser refuses)."""
    from datetime import UTC, datetime, timedelta

    from sgp4.api import Satrec

    sat = Satrec.twoline2rv(line1, line2)
    year = 2000 + sat.epochyr if sat.epochyr < 57 else 1900 + sat.epochyr
    epoch = datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=sat.epochdays - 1.0)
    return ElementSet(norad_id=sat.satnum, name=name, epoch=epoch, satrec=sat, source="file")


def _tsince_list(start: float, stop: float, step: float) -> list[float]:
    """The minutes of the reference run (python-sgp4's tests.generate_satellite_output)."""
    out = [0.0]
    t = start
    while t <= stop:
        if not (t == start == 0.0):
            out.append(t)
        t += step
    if t - stop < step - 1e-6:
        out.append(stop)
    return out


def _epoch_ns(es: ElementSet) -> int:
    sat = es.satrec
    # integer days and nanoseconds kept apart: a float sum would lose ~0.2 µs
    days = int(round(sat.jdsatepoch - 2440587.5))
    return days * 86_400_000_000_000 + int(round(sat.jdsatepochF * 86_400e9))


@pytest.fixture(scope="module")
def verification(tmp_path_factory):
    records = _records()
    folder = tmp_path_factory.mktemp("vallado")
    # 20413 is listed twice (two output spans of the same elements); the parser keeps one
    # copy of a record per file, so second occurrences go into a second file.
    files: list[list[tuple]] = [[], []]
    seen: set[str] = set()
    for rec in records:
        files[rec[1] in seen].append(rec)
        seen.add(rec[1])
    sets_by_record: dict[tuple[int, str], ElementSet] = {}
    errors = []
    for k, recs in enumerate(files):
        path = folder / f"SGP4-VER-{k}.3le"
        path.write_text("".join(f"{n}\n{a}\n{b}\n" for n, a, b, *_ in recs))
        sets, errs = _parse(path)
        errors += errs
        sets_by_record.update({(k, es.line1): es for es in sets})
    # 33334 (mean motion 0.00001 rev/day) already fails in sgp4's initialisation, and
    # orbitkit's parser refuses it with sgp4's reason; it is built directly so that its
    # propagation error code can still be checked.
    assert [e.norad_id for e in errors] == [33334], [str(e) for e in errors]
    assert "SGP4" in str(errors[0])
    out = []
    seen = set()
    for rec in records:
        es = sets_by_record.get((int(rec[1] in seen), rec[1])) or _direct(*rec[:3])
        seen.add(rec[1])
        out.append((es, rec))
    return out


def test_every_record_is_propagated(verification):
    assert len(verification) == 33
    # all but 33334 came through the parser
    assert sum(".3le:" in es.origin for es, _ in verification) == 32
    assert len({id(es) for es, _ in verification}) == 33


def test_positions_and_velocities_match_tcppver(verification):
    ref = _reference()
    errors_seen = []
    compared = 0
    assert [n for n, _ in ref] == [es.norad_id for es, _ in verification]
    for (es, (_, _, _, start, stop, step)), (_, want) in zip(verification, ref, strict=True):
        minutes = np.array(_tsince_list(start, stop, step))
        times = (_epoch_ns(es) + np.rint(minutes * 60e9).astype(np.int64)).view("datetime64[ns]")
        eph = propagate([es], times)
        bad = np.flatnonzero(eph.error[0])
        n_ok = int(bad[0]) if bad.size else minutes.size
        if bad.size:
            errors_seen.append((es.norad_id, int(eph.error[0, bad[0]])))
        # the reference stops at the first failure, exactly where ours does
        # (33334 fails at minute 0: its reference holds a copy of the previous line)
        if n_ok == 0:
            continue
        assert len(want) == n_ok, es.norad_id
        state = np.concatenate((eph.r_teme_km[0, :n_ok], eph.v_teme_km_s[0, :n_ok]), axis=1)
        for k, (tsince, values) in enumerate(want):
            assert tsince == pytest.approx(minutes[k], abs=1e-6)
            assert np.max(np.abs(state[k, :3] - values[:3])) < POS_TOL_KM, (es.norad_id, tsince)
            assert np.max(np.abs(state[k, 3:] - values[3:])) < VEL_TOL_KM_S, (es.norad_id, tsince)
            compared += 1
    assert errors_seen == EXPECTED_ERRORS
    assert compared == 700 - 33 - 1  # every data line but the headers and 33334's copy


def test_failures_carry_sgp4_messages(verification):
    """A decayed sample reports sgp4's own message, not a bare NaN."""
    from sgp4.api import SGP4_ERRORS

    es = next(es for es, _ in verification if es.norad_id == 28872)
    times = (_epoch_ns(es) + np.arange(0, 61, 5) * 60_000_000_000).view("datetime64[ns]")
    eph = propagate([es], times)
    (failure,) = eph.failures()
    assert failure.message == SGP4_ERRORS[6]
    assert failure.count == int((eph.error[0] == 6).sum()) > 0
    assert np.isnan(eph.r_teme_km[0, eph.error[0] != 0]).all()
