"""Date and text columns in a contract: read, checked strictly, and (dates) learned from.

A ``datetime`` column is parsed with its ``format`` (ISO 8601 without one), held to its
bounds and turned into calendar parts by training; a ``text`` column (a comment, a
description) is kept for reference and checked, never learned from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    ContractError,
    ContractViolationError,
    load_contract,
    read_dataset,
)
from {{ cookiecutter.package_name }}.models.train import fit

from tests.unit.mini_dataset import CONTRACT, mini_frame

JOINED = "  joined: {dtype: datetime, min: 2000-01-01, max: '2030-12-31T23:59'}"
NOTE = "  note: {dtype: text, nullable: true}"


def _contract(tmp_path: Path, *columns: str) -> Contract:
    path = tmp_path / "dated.yaml"
    path.write_text(CONTRACT + "".join(f"{column}\n" for column in columns), encoding="utf-8")
    return load_contract(path, "label")


def _refusal(tmp_path: Path, column: str) -> str:
    with pytest.raises(ContractError) as error:
        _contract(tmp_path, column)
    return str(error.value).removeprefix(str(tmp_path / "dated.yaml"))


def _frame(rows: int = 60, **columns: list[object]) -> pd.DataFrame:
    """The mini data set with a date and a note per row (``columns`` replace them)."""
    frame = mini_frame(rows=rows)
    joined = pd.date_range("2020-01-01 08:00", periods=rows, freq="37h").strftime("%Y-%m-%d %H:%M")
    frame["joined"] = list(joined)
    frame["note"] = [f"customer #{row}, called twice" for row in range(rows)]
    for name, values in columns.items():
        frame[name] = values
    return frame


def _csv(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (
            "  joined: {dtype: datetime, min: someday}",
            ".columns.joined.min: expected an ISO 8601 date or time (2024-01-31, "
            "2024-01-31T08:00), found 'someday'",
        ),
        (
            "  joined: {dtype: datetime, max: 20240131}",
            ".columns.joined.max: expected an ISO 8601 date or time (2024-01-31, "
            "2024-01-31T08:00), found 20240131",
        ),
        (
            "  joined: {dtype: datetime, min: 2024-02-01, max: 2024-01-31}",
            ".columns.joined: min 2024-02-01 00:00:00 is after max 2024-01-31 00:00:00",
        ),
        (
            "  joined: {dtype: datetime, format: dd/mm/yyyy}",
            ".columns.joined.format: expected strftime codes such as '%d/%m/%Y %H:%M', "
            "found 'dd/mm/yyyy'",
        ),
        (
            "  joined: {dtype: datetime, format: 12}",
            ".columns.joined.format: expected strftime codes such as '%d/%m/%Y %H:%M', found 12",
        ),
        (
            "  age2: {dtype: int, format: '%Y'}",
            ".columns.age2.format: only for dtype datetime, not int",
        ),
        (
            "  note: {dtype: text, feature: true}",
            ".columns.note.feature: a text column is kept for reference and checked, not "
            "learned from: expected false",
        ),
        (
            "  note: {dtype: text, max: 3}",
            ".columns.note: min/max apply to numbers and dates, not text",
        ),
        (
            "  note: {dtype: text, categories: [a, b]}",
            ".columns.note.categories: only for dtype category, not text",
        ),
    ],
    ids=[
        "min-not-a-date",
        "max-a-number",
        "min-after-max",
        "format-without-codes",
        "format-not-text",
        "format-on-int",
        "text-as-feature",
        "max-on-text",
        "categories-on-text",
    ],
)
def test_a_malformed_date_or_text_rule_is_refused_with_one_message(
    tmp_path: Path, column: str, expected: str
) -> None:
    assert _refusal(tmp_path, column) == expected


def test_date_bounds_are_read_as_naive_utc_and_text_is_not_a_feature(tmp_path: Path) -> None:
    contract = _contract(
        tmp_path,
        "  joined: {dtype: datetime, format: '%d/%m/%Y', min: 2000-01-01, "
        "max: '2030-06-30T12:00:00+02:00'}",
        NOTE,
    )
    joined, note = contract.columns[-2:]
    assert (joined.dtype, joined.date_format) == ("datetime", "%d/%m/%Y")
    assert joined.earliest == dt.datetime(2000, 1, 1)
    assert joined.latest == dt.datetime(2030, 6, 30, 10, 0)  # +02:00 read as UTC
    assert (joined.minimum, joined.maximum) == (None, None)
    assert (note.dtype, note.feature, note.nullable) == ("text", False, True)
    assert contract.datetime_features == ["joined"]
    assert "note" not in contract.feature_columns
    assert contract.feature_columns[-1] == "joined"
    assert "joined" not in contract.numeric_features + contract.categorical_features


@pytest.mark.parametrize(
    ("rules", "bounds"),
    [
        ("min: 2024-01-31", (dt.datetime(2024, 1, 31), None)),
        ("max: 2024-01-31", (None, dt.datetime(2024, 1, 31))),
        ("min: 2024-01-31, max: 2024-01-31", (dt.datetime(2024, 1, 31),) * 2),  # one day
    ],
    ids=["min-alone", "max-alone", "min-equals-max"],
)
def test_a_date_range_may_be_open_or_one_moment(
    tmp_path: Path, rules: str, bounds: tuple[dt.datetime | None, dt.datetime | None]
) -> None:
    rule = _contract(tmp_path, "  joined: {dtype: datetime, " + rules + "}").columns[-1]
    assert (rule.earliest, rule.latest) == bounds


def test_a_bound_with_an_offset_is_utc_whatever_the_machine_time_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        rule = _contract(tmp_path, "  joined: {dtype: datetime, min: '2024-01-31T08:00-05:00'}")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert rule.columns[-1].earliest == dt.datetime(2024, 1, 31, 13, 0)


def test_dates_and_text_are_read_strictly(tmp_path: Path) -> None:
    contract = _contract(tmp_path, JOINED, NOTE)
    frame = _frame(note=["01"] + [None] * 59)  # text stays text, even when it looks a number
    checked = read_dataset(_csv(tmp_path, frame), contract)
    assert str(checked["joined"].dtype) == "datetime64[us]"
    assert checked["joined"].iloc[1] == pd.Timestamp("2020-01-02 21:00")
    assert checked["note"].iloc[0] == "01"
    assert checked["note"].iloc[1:].isna().all()


def test_a_date_in_its_own_format_and_with_an_offset(tmp_path: Path) -> None:
    contract = _contract(tmp_path, "  joined: {dtype: datetime, format: '%d/%m/%Y %H:%M%z'}")
    frame = _frame(rows=3, joined=["31/01/2024 23:30+0100", "01/02/2024 00:00+0000", None])
    frame.loc[2, "joined"] = "29/02/2024 12:00-0300"
    checked = read_dataset(_csv(tmp_path, frame.drop(columns="note")), contract)
    assert checked["joined"].tolist() == [
        pd.Timestamp("2024-01-31 22:30"),
        pd.Timestamp("2024-02-01 00:00"),
        pd.Timestamp("2024-02-29 15:00"),
    ]


@pytest.mark.parametrize(
    ("dates", "rule", "shown"),
    [
        (["2024-01-31", "2024-02-30", "2024-03-01"], "dtype datetime", "'2024-02-30'"),
        (["2024-01-31", "31/01/2024", "2024-03-01"], "dtype datetime", "'31/01/2024'"),
        (["2024-01-31", "1999-12-31 23:59", "2024-03-01"], "greater_than_or_equal_to", None),
        (["2024-01-31", "2031-01-01", "2024-03-01"], "less_than_or_equal_to", None),
        (["2024-01-31", None, "2024-03-01"], "not_nullable", "empty"),
    ],
    ids=["no-such-day", "other-format", "before-min", "after-max", "empty"],
)
def test_a_bad_date_is_reported_at_its_line(
    tmp_path: Path, dates: list[object], rule: str, shown: str | None
) -> None:
    contract = _contract(tmp_path, JOINED)
    path = _csv(tmp_path, _frame(rows=3, joined=dates).drop(columns="note"))
    with pytest.raises(ContractViolationError) as error:
        read_dataset(path, contract)
    message = str(error.value)
    assert f"column 'joined' breaks rule {rule}" in message, message
    assert f"in 1 row(s) (line 3: {shown or repr(dates[1])})" in message, message


def test_a_model_learns_from_a_date_column(tmp_path: Path) -> None:
    """Training turns the date into calendar parts; a model that sees only the date
    learns a label that follows the day of the week."""
    contract = _contract(tmp_path, JOINED, NOTE)
    frame = _frame(rows=120)
    weekend = pd.to_datetime(frame["joined"]).dt.day_of_week >= 5
    frame["label"] = np.where(weekend, "yes", "no")
    checked = read_dataset(_csv(tmp_path, frame), contract)
    only_dates = dataclasses.replace(
        contract,
        columns=tuple(rule for rule in contract.columns if rule.name in ("joined", "note")),
    )
    pipeline = fit(checked, Params(), only_dates)
    treated = pipeline.named_steps["features"].transform(checked[only_dates.feature_columns])
    assert list(treated.columns[:3]) == ["joined_year", "joined_month_sin", "joined_month_cos"]
    assert not any(column.startswith("note") for column in treated.columns)
    accuracy = (pipeline.predict(checked[only_dates.feature_columns]) == frame["label"]).mean()
    assert accuracy >= 0.95, f"a weekday rule from the date alone: accuracy {accuracy:.2f}"
