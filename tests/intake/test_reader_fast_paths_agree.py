"""Intake's fast paths give exactly what their cell-by-cell fallbacks give, on hostile input.

* A dense sheet (calamine's grid, a CSV file) is read a column at a time; the row-by-row loop
  still reads sparse sheets (openpyxl's stream) and is the reference: same frame, same
  problems, same warnings.
* Coercion converts each distinct text once (``factorize``); a column holding anything but
  text is converted cell by cell. Both equal converting every cell on its own.
* ID checks run once per distinct ID, remembered across sheets; they equal the regular
  expression applied to every cell.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.intake import _read as read
from assess.intake import _validate as validate
from assess.intake._spec import ID_PATTERN, SHEETS
from hypothesis_profiles import examples

HEADER = ["group_id", "recipient_id", "date", "kind", "note"]  # the visits sheet
CELLS = [
    "",
    None,
    "  ",
    "\t",
    "G01",
    "g01",
    "E07",
    "group_id",
    " GROUP_ID ",
    "工作组编号",
    "recipient_id",
    "date",
    "走访日期",
    "stray",
    "a\x07b",
    "_x0007_",
    4.4,
    2025.0,
    45000.0,
    float("inf"),
    float("nan"),
    0,
    True,
    dt.datetime(2025, 3, 4),
    dt.date(2025, 3, 4),
    "2025-03-04",
]


def _read(rows, grid: bool, header: list[str] = HEADER):
    problems: list = []
    warnings: list = []
    frame, origin, missing = read._frame(
        "book.xlsx",
        "visits",
        "visits",
        {i: h for i, h in enumerate(header, 1) if h},
        rows,
        problems,
        warnings,
        typed=True,
        grid=grid,
    )
    return frame, origin, missing, problems, warnings


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
    for column in a[0].columns:  # None and NaN are different cells to validation
        assert [type(v) for v in a[0][column]] == [type(v) for v in b[0][column]], column
    assert a[1:] == b[1:]


@settings(max_examples=examples(150), deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(CELLS), min_size=0, max_size=8), min_size=0, max_size=25),
    st.lists(st.sampled_from(["", "unknown", None]), min_size=0, max_size=3),
)
def test_dense_rows_read_by_column_as_row_by_row(body, extra_header):
    """Blank rows, rows blank where it counts, repeated headers, stray columns, ragged rows, odd cells."""
    header = HEADER + [h or "" for h in extra_header]  # unknown headers and headerless columns
    by_column = _read([list(r) for r in body], True, header)
    by_row = _read(list(enumerate([list(r) for r in body], 2)), False, header)
    sparse = _read(
        [(n, {ci: v for ci, v in enumerate(r, 1) if v not in ("", None)}) for n, r in enumerate(body, 2)], False, header
    )
    _same(by_column, by_row)
    _same(by_column, sparse)


def test_a_repeated_header_is_a_problem_in_both_readers():
    body = [["G01", "E07", dt.date(2025, 3, 4)], list(HEADER), [" GROUP_ID ", "RECIPIENT_ID", "Date"], ["", "", ""]]
    by_column = _read([list(r) for r in body], grid=True)
    _same(by_column, _read(list(enumerate([list(r) for r in body], 2)), grid=False))
    assert [p.row for p in by_column[3] if "repeats the header" in p.rule] == [3, 4]
    assert by_column[0]["_row"].tolist() == [2]


LABELS = [
    "2025-Q1",
    "2025Q2",
    "Q3 2025",
    "2025年第一季度",
    "一季度",
    "Q4",
    "２０２５－Ｑ１",
    "2025-03",
    "2025年3月",
    "2025-13",
    "2025-03-04",
    "2025/3/4",
    "20250304",
    "2025-03-04T20:00:00Z",
    "9999-12-31",
    "10000-01-01",
    "1,000",
    "0,5",
    "1 000",
    "0 5",
    "１２．５",
    "inf",
    "NaN",
    "#N/A",
    "x",
    " ",
]
TZ = ZoneInfo("Asia/Shanghai")


def _converted_alone(values, fn):
    return [fn(v) for v in values]


@pytest.mark.parametrize("kind", ["date", "month", "quarter", "number"])
@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.sampled_from(LABELS), min_size=1, max_size=40))
def test_text_converted_once_per_label_as_cell_by_cell(kind, labels):
    convert = validate._COERCE[kind][0]
    fn = lambda v: convert(v, TZ)  # noqa: E731
    values = pd.Series(labels, dtype=object)
    got, flags = validate._each_distinct(values, fn, validate._unusable)
    want = _converted_alone(labels, fn)
    assert list(got) == want
    assert list(flags) == [validate._unusable(c) for c in want]


def test_mixed_cells_are_never_grouped_by_equal_keys():
    """1, 1.0 and True are one dict key; a number column holding them and "1" is converted cell by cell."""
    cells = [1, 1.0, True, "1", 20250304, "20250304", 20250304.0]
    for kind in ("date", "number"):
        convert = validate._COERCE[kind][0]
        got, _ = validate._each_distinct(pd.Series(cells, dtype=object), lambda v, c=convert: c(v, TZ))
        assert list(got) == [convert(v, TZ) for v in cells]
    assert validate._number(True) is None and validate._number(1) == 1.0


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(st.sampled_from(["G01", "g.01", "a b", "x" * 41, "x" * 40, "组1", "-", "CON", "..", "G01\n"]), max_size=30)
)
def test_id_checks_once_per_id_as_the_pattern_on_every_cell(ids):
    cells = pd.Series(ids, dtype=object)
    check = validate._per_distinct(lambda v: validate._ID.match(v) is not None, (set(), set()))
    assert check(cells).tolist() == [re.match(ID_PATTERN, v) is not None for v in ids]
    safe = validate._per_distinct(validate.safe_group_id, (set(), set()))
    assert safe(cells).tolist() == [validate.safe_group_id(v) for v in ids]


def test_every_sheet_has_a_dense_reader():
    """The column-at-a-time reader is the one calamine's grid and CSV files go through."""
    for sheet in SHEETS:
        assert read._frame("f", sheet, sheet, {1: SHEETS[sheet].columns[0].name}, [], [], [], grid=True)[0].empty


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [" G01 ", "Ｇ０１", "\u3000G1\u3000", "已办结", " 已办结 ", "resolved", "RESOLVED ", "a\u00a0", "ﬁ", "#N/A"]
        )
        | st.text(max_size=6),
        max_size=20,
    )
)
def test_distinct_texts_read_as_each_cell_read_alone(texts):
    """IDs, texts and codes are converted once per distinct text, ASCII without NFKC; as the one-cell rule."""
    from assess.intake import _coerce as coerce

    for sheet in SHEETS.values():
        for col in (c for c in sheet.columns if c.kind in ("id", "text", "enum")):
            convert = coerce._text_converter(col)
            assert coerce._texts(pd.Series(texts, dtype=object).to_numpy(), col) == [convert(v) for v in texts]


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["P1", "P2", "p 3", None]),
            st.sampled_from(["G01", "G02", "G 9", None]),
            st.sampled_from(["open", "resolved", "pending", None]),
            st.sampled_from([None, "2025-01-05", "2025-03-01"]),
            st.sampled_from([None, "2025-02-01"]),
        ),
        max_size=8,
    )
)
def test_a_sheet_passes_the_vectorised_rules_exactly_when_pandera_passes_it(rows):
    """The rules judged with their own functions (the common path) agree with pandera's verdict."""
    import pandera.errors

    from assess.intake import _rules as rules
    from assess.intake._scheme import default_scheme

    frame = pd.DataFrame(
        {c.name: pd.Series([None] * len(rows), dtype=object) for c in SHEETS["problems"].columns}
        | {"_row": pd.Series(range(2, len(rows) + 2), dtype="int64")}
    )
    for name, i in (("problem_id", 0), ("group_id", 1), ("status", 2)):
        frame[name] = pd.Series([r[i] for r in rows], dtype=object)
    for name, i in (("resolved_on", 3), ("raised_on", 4), ("deadline", 4)):
        frame[name] = pd.to_datetime(pd.Series([r[i] for r in rows], dtype=object))
    judged = rules.sheet_rules("problems", default_scheme(), {"groups": {"G01", "G02"}}, None, set())
    try:
        judged.schema().validate(frame.drop(columns="_row"), lazy=True)
        passes = True
    except pandera.errors.SchemaErrors:
        passes = False
    assert judged.holds(frame) == passes
