"""TLE / 3LE parsing: real snapshots, layout rules, messages, Alpha-5, resynchronisation."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sgp4.api import Satrec

from orbitkit.elements.model import ElementSet
from orbitkit.elements.parse import read_elements
from orbitkit.elements.tle import (
    LINE1_TEMPLATE,
    LINE2_TEMPLATE,
    DuplicateElementSetError,
    TleElementSet,
    alpha5_to_int,
    check_tle_line,
    int_to_alpha5,
    parse_tle,
    parse_tle_text,
    tle_checksum,
)
from orbitkit.errors import ElementParseError

TIANHE = (
    "CSS (TIANHE)            ",
    "1 48274U 21035A   26055.08242906  .00019707  00000+0  23964-3 0  9995",
    "2 48274  41.4668 290.9181 0005449 183.7722 176.3076 15.60067811275489",
)
FY3E = (
    "FENGYUN 3E              ",
    "1 49008U 21062A   26055.31323045 -.00000165  00000+0 -57057-4 0  9992",
    "2 49008  98.7512  59.9772 0002650  65.4959 294.6494 14.19891262240563",
)
MSG2 = (
    "METEOSAT-9 (MSG-2)      ",
    "1 28912U 05049B   26055.10746321  .00000122  00000+0  00000+0 0  9995",
    "2 28912   9.1048  55.2610 0002174 212.2248 330.8192  1.00272899  5863",
)

#: Object counts of the reference snapshots (shared/data/SOURCES.md).
SNAPSHOT_COUNTS = {
    "celestrak-active-2021-08-24.txt": 4603,
    "celestrak-active-2021-09-20.txt": 4665,
    "celestrak-active-2026-02-24.tle": 14468,
    "celestrak-gnss-2021-02-03.txt": 157,
    "celestrak-weather-2021-02-03.txt": 53,
    "celestrak-beidou-2022-02-04.txt": 50,
    "celestrak-weather-2026-02-24.tle": 70,
}


def block(*records: tuple[str, str, str]) -> str:
    return "".join("\n".join(r) + "\n" for r in records)


def with_checksum(line: str) -> str:
    """Replace column 69 by the correct checksum."""
    return line[:68] + str(tle_checksum(line))


# ---------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("name,count", sorted(SNAPSHOT_COUNTS.items()))
def test_every_snapshot_parses_without_errors(tle_dir: Path, name: str, count: int):
    result = read_elements(tle_dir / name)
    assert result.errors == []
    assert len(result.sets) == count
    assert result.format == "tle"
    assert len({es.norad_id for es in result.sets}) == count


def test_bulk_path_equals_one_by_one_path(weather_2026: Path):
    """The vectorised fast path gives exactly what parse_tle gives record by record."""
    text = weather_2026.read_text()
    sets, errors = parse_tle_text(text, path="w.tle")
    assert not errors
    lines = text.split("\n")
    for es in sets:
        k = int(es.origin.rsplit(":", 1)[1]) - 1
        ref = parse_tle(lines[k + 1], lines[k + 2], lines[k], path="w.tle", lineno=k + 1)
        assert es == ref or dataclasses.astuple(es) == dataclasses.astuple(ref)
        assert (es.norad_id, es.name, es.epoch, es.cospar_id, es.origin) == (
            ref.norad_id, ref.name, ref.epoch, ref.cospar_id, ref.origin)
        assert es.satrec.no_kozai == ref.satrec.no_kozai


def test_active_2026_contents(active_2026: Path):
    sets = read_elements(active_2026).sets
    by_id = {es.norad_id: es for es in sets}
    tianhe = by_id[48274]
    assert tianhe.name == "CSS (TIANHE)"
    assert tianhe.cospar_id == "2021-035A"
    assert tianhe.origin.endswith("celestrak-active-2026-02-24.tle:6799")
    assert tianhe.source == "file"
    assert tianhe.epoch.tzinfo is not None


# ---------------------------------------------------------------------------- basics


def test_three_line_record():
    (es,), errors = parse_tle_text(block(TIANHE), path="t.tle")
    assert errors == []
    assert isinstance(es, ElementSet)
    assert es.norad_id == 48274
    assert es.name == "CSS (TIANHE)"  # trailing blanks of the name line removed
    assert es.cospar_id == "2021-035A"
    assert es.origin == "t.tle:1"
    assert es.line1 == TIANHE[1] and es.line2 == TIANHE[2]
    # Epoch 26055.08242906 = 2026-02-24 + 0.08242906 day, exact to the microsecond.
    want = datetime(2026, 2, 24, tzinfo=UTC) + timedelta(microseconds=8242906 * 864)
    assert es.epoch == want
    assert es.satrec.error == 0


def test_epoch_matches_sgp4_julian_date():
    (es,), _ = parse_tle_text(block(FY3E))
    jd = es.satrec.jdsatepoch + es.satrec.jdsatepochF
    unix = (jd - 2440587.5) * 86400.0
    assert abs(es.epoch.timestamp() - unix) < 1e-4


def test_two_line_records_without_names():
    text = "\n".join([TIANHE[1], TIANHE[2], FY3E[1], FY3E[2]]) + "\n"
    sets, errors = parse_tle_text(text)
    assert errors == []
    assert [es.norad_id for es in sets] == [48274, 49008]
    assert [es.name for es in sets] == ["", ""]
    assert [es.origin for es in sets] == ["<string>:1", "<string>:3"]


def test_crlf_and_name_prefix_and_blank_lines():
    text = ("0 CSS (TIANHE)   \r\n" + TIANHE[1] + "\r\n" + TIANHE[2] + "\r\n\r\n"
            + FY3E[0] + "\r\n\r\n" + FY3E[1] + "\r\n" + FY3E[2] + "\r\n")
    sets, errors = parse_tle_text(text)
    assert errors == []
    assert [es.name for es in sets] == ["CSS (TIANHE)", "FENGYUN 3E"]


def test_blanks_after_column_69_are_ignored():
    text = "\n".join([TIANHE[0], TIANHE[1] + "   ", TIANHE[2] + " "]) + "\n"
    (es,), errors = parse_tle_text(text)
    assert errors == []
    assert es.line1 == TIANHE[1]


def test_templates_have_69_columns():
    assert len(LINE1_TEMPLATE) == 69 and len(LINE2_TEMPLATE) == 69
    assert LINE1_TEMPLATE.startswith("1 NNNNNC NNNNNAAA NNNNN.NNNNNNNN +.NNNNNNNN")
    assert LINE2_TEMPLATE.startswith("2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN")


def test_checksum_rule():
    # digits count their value, '-' counts 1, everything else 0; columns 1-68 only
    assert tle_checksum(FY3E[1]) == int(FY3E[1][68])
    assert tle_checksum("1 -" + " " * 66) == 2


def test_lazy_fields_behave_like_plain_fields():
    (es,), _ = parse_tle_text(block(TIANHE))
    assert isinstance(es, TleElementSet)
    again = parse_tle(*TIANHE[1:], TIANHE[0])
    assert es == again and hash(es) == hash(again)
    changed = dataclasses.replace(es, name="TIANHE")
    assert changed.name == "TIANHE" and changed.epoch == es.epoch
    assert es.to_dict()["cospar_id"] == "2021-035A"
    with pytest.raises(dataclasses.FrozenInstanceError):
        es.name = "x"  # type: ignore[misc]


# ---------------------------------------------------------------------------- Alpha-5


@pytest.mark.parametrize("text,number", [
    ("00005", 5), ("    5", 5), ("99999", 99999), ("A0000", 100000), ("H1234", 171234),
    ("J0000", 180000), ("P0000", 230000), ("Z9999", 339999),
])
def test_alpha5_decoding(text, number):
    assert alpha5_to_int(text) == number
    assert int_to_alpha5(number) == text.strip().rjust(5, "0")


@pytest.mark.parametrize("bad", ["I0000", "O1234", "AB123", "", "-1234"])
def test_alpha5_rejects(bad):
    with pytest.raises(ValueError):
        alpha5_to_int(bad)


def test_int_to_alpha5_range():
    with pytest.raises(ValueError, match="339999"):
        int_to_alpha5(340000)


def test_alpha5_record_round_trip():
    line1 = with_checksum("1 B1234" + FY3E[1][7:])
    line2 = with_checksum("2 B1234" + FY3E[2][7:])
    (es,), errors = parse_tle_text(f"ALPHA\n{line1}\n{line2}\n")
    assert errors == []
    assert es.norad_id == 111234
    assert es.satrec.satnum == 111234
    from orbitkit.elements.export import to_omm_json, to_tle_text
    back = read_elements(to_omm_json([es])).sets[0]
    assert back.norad_id == 111234
    assert to_tle_text([back], names=False) == f"{line1}\n{line2}\n"


# ---------------------------------------------------------------------------- messages


def one_error(text: str) -> ElementParseError:
    sets, errors = parse_tle_text(text, path="sats.tle")
    assert len(errors) == 1, errors
    return errors[0]


def test_message_layout_for_a_bad_column():
    line2 = TIANHE[2][:26] + "." + TIANHE[2][27:]
    err = one_error(block((TIANHE[0], TIANHE[1], line2)))
    text = str(err)
    assert (err.path, err.line, err.column, err.field) == ("sats.tle", 3, 27, "eccentricity")
    assert err.found == "'.'" and "digit" in err.expected
    assert err.norad_id == 48274
    assert text.startswith("sats.tle, line 3, column 27: TLE line 2, eccentricity:")
    assert "CSS (TIANHE)" in text
    lines = text.split("\n")
    template, shown, caret = lines[-3], lines[-2], lines[-1]
    assert template.strip() == LINE2_TEMPLATE
    assert shown.strip() == line2
    assert caret.index("^") - shown.index("2") == 26  # under column 27


def test_message_for_wrong_checksum_gives_both_values():
    line1 = TIANHE[1][:68] + str((int(TIANHE[1][68]) + 3) % 10)
    err = one_error(block((TIANHE[0], line1, TIANHE[2])))
    assert err.field == "checksum" and err.column == 69 and err.line == 2
    assert err.expected.startswith(TIANHE[1][68])
    assert "checksum" in str(err)


def test_message_for_short_line_says_what_was_found():
    err = one_error(block((TIANHE[0], TIANHE[1][:60], TIANHE[2])))
    assert "69 characters" in err.expected
    assert "60 characters" in err.found


def test_message_for_long_line():
    err = one_error(block((TIANHE[0], TIANHE[1] + "77", TIANHE[2])))
    assert err.field == "line length" and "71 characters" in err.found


def test_shifted_field_is_reported_where_the_shift_starts():
    line1 = TIANHE[1][:17] + " " + TIANHE[1][17:68]
    err = one_error(block((TIANHE[0], with_checksum(line1 + "0"), TIANHE[2])))
    assert err.column == 19 and err.field == "epoch year"
    assert "shift" in str(err)


def test_check_tle_line_raises():
    check_tle_line(TIANHE[1], 1)
    with pytest.raises(ElementParseError, match="line number"):
        check_tle_line(TIANHE[1], 2)


def test_parse_tle_single_record_errors():
    with pytest.raises(ElementParseError, match="catalogue number"):
        parse_tle(TIANHE[1], FY3E[2])


# ---------------------------------------------------------------------------- resync


def test_bad_record_in_the_middle_keeps_the_rest():
    bad = (FY3E[0], FY3E[1][:68] + "0" if FY3E[1][68] != "0" else FY3E[1][:68] + "1", FY3E[2])
    sets, errors = parse_tle_text(block(TIANHE, bad, MSG2), path="f")
    assert [es.norad_id for es in sets] == [48274, 28912]
    assert len(errors) == 1 and errors[0].line == 5


def test_missing_line_2_resynchronises():
    text = block(TIANHE) + f"{FY3E[0]}\n{FY3E[1]}\n" + block(MSG2)
    sets, errors = parse_tle_text(text)
    assert [es.norad_id for es in sets] == [48274, 28912]
    assert len(errors) == 1
    assert "line 2" in str(errors[0]).lower() and errors[0].line == 5


def test_swapped_lines_resynchronise():
    text = block(TIANHE, (FY3E[0], FY3E[2], FY3E[1]), MSG2)
    sets, errors = parse_tle_text(text)
    assert [es.norad_id for es in sets] == [48274, 28912]
    assert len(errors) == 1 and "swapped" in str(errors[0])


def test_orphan_name_lines_are_reported_once():
    text = "JUNK 1\nJUNK 2\nJUNK 3\n" + block(TIANHE)
    sets, errors = parse_tle_text(text)
    assert [es.norad_id for es in sets] == [48274]
    assert len(errors) == 1 and errors[0].line == 1


def test_name_separated_from_its_lines_by_a_blank_line():
    text = f"{TIANHE[0]}\n\n{TIANHE[1]}\n{TIANHE[2]}\n"
    (es,), errors = parse_tle_text(text)
    assert errors == [] and es.name == "CSS (TIANHE)"


# ---------------------------------------------------------------------------- duplicates


def test_exact_duplicate_is_dropped_with_a_warning():
    sets, errors = parse_tle_text(block(TIANHE, FY3E, TIANHE), path="d.tle")
    assert [es.norad_id for es in sets] == [48274, 49008]
    (dup,) = errors
    assert isinstance(dup, DuplicateElementSetError)
    assert "exact repeat" in str(dup) and "d.tle:1" in str(dup) and dup.line == 7


def test_conflicting_duplicate_is_reported_as_conflicting():
    other = with_checksum(TIANHE[2][:52] + "15.60067899" + TIANHE[2][63:])
    sets, errors = parse_tle_text(block(TIANHE, (TIANHE[0], TIANHE[1], other)))
    assert len(sets) == 1 and "conflicting" in str(errors[0])


def test_same_object_other_epoch_is_not_a_duplicate():
    line1 = with_checksum(TIANHE[1][:20] + "056" + TIANHE[1][23:])
    sets, errors = parse_tle_text(block(TIANHE, (TIANHE[0], line1, TIANHE[2])))
    assert len(sets) == 2 and errors == []


# ---------------------------------------------------------------------------- numbers


def test_propagates_like_bare_sgp4():
    (es,), _ = parse_tle_text(block(FY3E))
    bare = Satrec.twoline2rv(FY3E[1], FY3E[2])
    jd, fr = bare.jdsatepoch + 1.0, bare.jdsatepochF
    e1, r1, _ = es.satrec.sgp4(jd, fr)
    e2, r2, _ = bare.sgp4(jd, fr)
    assert e1 == e2 == 0 and math.dist(r1, r2) == 0.0
