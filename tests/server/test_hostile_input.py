"""Random and hostile input to every parser, form validation, the rule loader, the import reader and
search: the only failures allowed are the clean, explained ones (ValueError / ValidationFailed /
RuleError / UnreadableFile), never a crash."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm import parsing
from crm.config import get_settings
from crm.records import validation
from crm.records.fields import SPECS

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HOSTILE_TEXT = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "'; DROP TABLE enterprise; --",
        "{{ 7*7 }}",
        "${jndi:ldap://x}",
        "\x00",
        "\u202e反向文字",
        "９９９９９９９９９９９９９９９９９９９９万元",
        "1e999999",
        "NaN",
        "-Infinity",
        "2019-02-30",
        "2019年13月1日",
        "０．５亿",
        "是否",
        "𠀀𪚥" * 50,
        " " * 5000,
        "%s%s%n",
        "\r\n\t",
        "١٢٣",
    ]
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
    HOSTILE_TEXT,
    st.dates(),
    st.lists(st.one_of(st.text(max_size=20), HOSTILE_TEXT), max_size=5),
)


def _a_date(v: object) -> bool:
    return v is None or isinstance(v, date)


def _an_amount(v: object) -> bool:  # exact, finite, within what integer fen can hold
    return v is None or (isinstance(v, Decimal) and v.is_finite() and abs(v) < Decimal(10) ** 15)


def _a_whole_number(v: object) -> bool:
    return v is None or (isinstance(v, int) and not isinstance(v, bool))


def _a_flag(v: object) -> bool:
    return v is None or isinstance(v, bool)


def _a_list_of_names(v: object) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) and x == x.strip() and x for x in v)


@pytest.mark.parametrize(
    ("parser", "returns"),
    [
        (parsing.parse_date, _a_date),
        (parsing.parse_money, _an_amount),
        (parsing.parse_int, _a_whole_number),
        (parsing.parse_bool, _a_flag),
        (parsing.parse_list, _a_list_of_names),
    ],
    ids=lambda f: getattr(f, "__name__", ""),
)
@FUZZ
@given(value=VALUES)
def test_parsers_return_a_value_of_their_type_or_a_clean_value_error(
    parser: Callable[[object], object], returns: Callable[[object], bool], value: object
) -> None:
    try:
        parsed = parser(value)
    except ValueError:  # the one clean failure a parser may raise
        return
    assert returns(parsed), f"{parser.__name__}({value!r}) returned {parsed!r}"
    if value is None or (isinstance(value, str) and not value.strip()):
        assert parsed in (None, []), "a blank cell is unknown, never 0 or false"


@pytest.mark.parametrize("entity", sorted(SPECS))
@FUZZ
@given(data=st.data())
def test_every_form_accepts_or_names_the_bad_fields_in_both_languages(
    entity: str, data: st.DataObject
) -> None:
    names = [s.name for s in SPECS[entity]]
    record = data.draw(
        st.dictionaries(st.sampled_from(names + ["unknown_extra"]), VALUES, max_size=len(names))
    )
    try:
        clean = validation.clean(entity, record, partial=data.draw(st.booleans()))
    except validation.ValidationFailed as failed:
        assert failed.errors and all(e.field in names for e in failed.errors)
        for lang in ("zh", "en"):
            assert all(failed.by_field(lang).values())
        return
    assert set(clean) <= set(names)
    assert not any(isinstance(v, float | Decimal) and not Decimal(str(v)).is_finite() for v in clean.values())


def _policy_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(get_settings().rules_dir.glob("*.yaml"))[:3]]


@FUZZ
@given(data=st.data())
def test_the_rule_loader_turns_broken_files_into_rule_errors(data: st.DataObject) -> None:
    from crm.rules.loader import load_policy
    from crm.rules.source import RuleError

    texts = _policy_texts()
    base = data.draw(st.sampled_from(texts)) if texts else ""
    lines = base.splitlines()
    mutation = data.draw(st.sampled_from(["drop", "replace", "insert", "truncate", "random"]))
    at = data.draw(st.integers(0, max(len(lines) - 1, 0)))
    junk = data.draw(
        st.one_of(
            st.text(max_size=80),
            HOSTILE_TEXT,
            st.sampled_from(
                [
                    "  - {",
                    "criteria: 5",
                    "  at_least: abc",
                    "id: [1, 2]",
                    "&a [*a, *a]",
                    "!!python/object:os.system x",
                    "\t- x",
                    "cases: {}",
                    "in_force: {from: 2099-13-45}",
                ]
            ),
        )
    )
    if mutation == "drop" and lines:
        lines.pop(at)
    elif mutation == "replace" and lines:
        lines[at] = junk
    elif mutation == "insert":
        lines.insert(at, junk)
    elif mutation == "truncate":
        lines = lines[:at]
    else:
        lines = [junk]
    path = Path("fuzz.yaml") if mutation == "random" else Path(f"{_stem(base)}.yaml")
    try:
        load_policy(path, "\n".join(lines))
    except RuleError as error:
        assert error.reason and error.line >= 0


def _stem(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("id:"):
            return line.split(":", 1)[1].strip() or "fuzz"
    return "fuzz"


@FUZZ
@given(
    blob=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(lambda t: t.encode("utf-8")),
        st.text(max_size=300).map(lambda t: t.encode("gbk", errors="replace")),
    ),
    name=st.sampled_from(["data.csv", "data.xlsx", "data.xls", "data.txt"]),
)
def test_the_import_reader_reads_or_says_why_not(blob: bytes, name: str) -> None:
    from crm.services import intake

    try:
        table = intake.read_file(blob, name)
    except intake.UnreadableFile as reason:
        assert str(reason)
        return
    width = len(table.headers)
    assert width and all(isinstance(h, str) and h and h == " ".join(h.split()) for h in table.headers)
    assert all(len(row) == width and any(v is not None for v in row) for row in table.rows)
    assert table.row_numbers == sorted(set(table.row_numbers))
    assert all(n > table.header_row for n in table.row_numbers)
    intake.suggest_mapping(table)


CELL_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="="), max_size=12
) | st.sampled_from(
    ["上海跃动体育科技有限公司", "  ", "91310110MA1G8XKX0C", "2019/3/5", "１２０万元", "a,b", '"q"']
)
CELL = st.one_of(st.none(), CELL_TEXT, st.integers(-(10**9), 10**9))


@FUZZ
@given(
    width=st.integers(1, 6),
    body=st.lists(st.lists(CELL, max_size=6), max_size=12),
    kind=st.sampled_from(["csv", "xlsx"]),
)
def test_the_import_reader_gives_back_the_cells_it_was_written(
    width: int, body: list[list[object]], kind: str
) -> None:
    """A sheet of random cells, written as an officer's tool would, reads back cell for cell."""
    from crm.intake.readers import read_table

    header = [f"第{j}项" for j in range(width)]
    grid = [header, *[row[:width] for row in body]]
    table = read_table(_write(grid, kind), f"data.{kind}")  # no known headers: the first full row leads

    def read_as(value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return str(value) if kind == "csv" else value  # a CSV holds text only

    expected = [
        (i + 1, [read_as(v) for v in row] + [None] * (width - len(row)))
        for i, row in enumerate(grid)
        if i and any(read_as(v) is not None for v in row)
    ]
    assert table.header_row == 1 and table.headers == header
    assert list(zip(table.row_numbers, table.rows, strict=True)) == expected


def _write(grid: list[list[object]], kind: str) -> bytes:
    import csv
    import io

    from openpyxl import Workbook

    if kind == "csv":
        text = io.StringIO()
        csv.writer(text).writerows([["" if v is None else v for v in row] for row in grid])
        return text.getvalue().encode("utf-8")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in grid:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@FUZZ
@given(text=st.one_of(st.text(max_size=100), HOSTILE_TEXT))
def test_search_answers_any_text(text: str) -> None:
    from crm.services import enterprises, search

    if not enterprises.list_enterprises(enterprises.EnterpriseQuery()).total:
        enterprises.create_enterprise({"name": "上海跃动体育科技有限公司", "former_names": ["<b>旧名</b>"]})
        search.invalidate()
    assert isinstance(search.search(text), list)
