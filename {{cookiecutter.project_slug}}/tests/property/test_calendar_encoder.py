"""CalendarEncoder: every encoding is a point of the unit circle at the angle of the date's
part, reads as pandas reads the date, turns by whole cycles as the date moves by them,
and depends on nothing but its own row and column.

The dates span all pandas can hold in nanoseconds (1677 to 2262), to the nanosecond,
with missing dates and time zones mixed in. The shared transformer contract
(``test_transformer_contract.py``) runs here too, on dates and on numbers: its cases
come from ``features.transformers.__all__``, which does not list CalendarEncoder yet.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from {{ cookiecutter.package_name }}.features.calendar_encoder import CalendarEncoder

from tests.property import test_transformer_contract as contract
from tests.property.strategies import MAX_ROWS, moderate_floats, numeric_frames, unique_indexes

PARTS = ("year", "month", "day_of_week", "day_of_year", "hour", "minute")
# The pandas accessor of each cyclic part, the value at the start of its cycle, its period.
CYCLES = {
    "month": ("month", 1, 12),
    "day_of_week": ("day_of_week", 0, 7),
    "day_of_year": ("day_of_year", 1, None),  # the year's own length
    "hour": ("hour", 0, 24),
    "minute": ("minute", 0, 60),
}
TAU = 2 * np.pi
WEEK = 7 * 24 * 3600 * 10**9
MINUTE = 60 * 10**9
# A week inside the bounds of pandas' nanosecond timestamps, so dates can be shifted.
EARLIEST = pd.Timestamp.min.value + WEEK
LATEST = pd.Timestamp.max.value - WEEK
TIME_ZONES = [None, None, "UTC", "Asia/Kolkata", "America/St_Johns"]

part_tuples = st.lists(st.sampled_from(PARTS), min_size=1, unique=True).map(tuple)


@st.composite
def date_frames(
    draw: st.DrawFn, *, allow_nat: bool = True, time_zones: bool = True, step: int = 1
) -> pd.DataFrame:
    """1 to 3 date columns, each naive or in a time zone, with NaT here and there, on a
    shuffled index; the dates are multiples of ``step`` nanoseconds since the epoch."""
    rows = draw(st.integers(min_value=1, max_value=MAX_ROWS))
    columns = draw(st.integers(min_value=1, max_value=3))
    ticks = st.integers(min_value=-(-EARLIEST // step), max_value=LATEST // step)
    stamps = draw(hnp.arrays(np.int64, (rows, columns), elements=ticks)) * step
    missing = (
        draw(hnp.arrays(np.bool_, (rows, columns)))
        if allow_nat
        else np.zeros((rows, columns), dtype=bool)
    )
    frame = {}
    for column in range(columns):
        dates = pd.DatetimeIndex(stamps[:, column].view("datetime64[ns]"))
        dates = dates.where(~missing[:, column])
        zone = draw(st.sampled_from(TIME_ZONES)) if time_zones else None
        frame[f"date_{column}"] = (
            dates if zone is None else dates.tz_localize("UTC").tz_convert(zone)
        )
    return pd.DataFrame(frame, index=draw(unique_indexes(rows)))


def encode(frame: Any, parts: tuple[str, ...] = PARTS) -> dict[str, np.ndarray]:
    """Output column name -> its values (plain arrays: the tests stay fast)."""
    encoder = CalendarEncoder(parts=parts)
    output = encoder.fit_transform(frame)
    return dict(zip(encoder.get_feature_names_out(), output.T, strict=True))


def utc_naive(dates: pd.Series) -> pd.Series:
    return dates if dates.dt.tz is None else dates.dt.tz_convert(None)


@given(frame=date_frames(), parts=part_tuples)
def test_each_encoding_is_the_dates_part_on_the_unit_circle(
    frame: pd.DataFrame, parts: tuple[str, ...]
) -> None:
    """Shape and names; the year is pandas' year (in UTC); each cyclic pair lies on the
    unit circle at 2 pi (part - start) / period; NaN exactly where the date is missing."""
    encoder = CalendarEncoder(parts=parts)
    array = encoder.fit_transform(frame)
    width = sum(1 if part == "year" else 2 for part in parts)
    assert array.shape == (len(frame), frame.shape[1] * width)
    assert array.dtype == np.float64
    names = encoder.get_feature_names_out().tolist()
    assert names == [
        f"{name}_{part}{suffix}"
        for name in frame.columns
        for part in parts
        for suffix in ([""] if part == "year" else ["_sin", "_cos"])
    ]
    output = dict(zip(names, array.T, strict=True))

    for name in frame.columns:
        dates = utc_naive(frame[name])
        missing = dates.isna().to_numpy()
        for part in parts:
            if part == "year":
                year = output[f"{name}_year"]
                np.testing.assert_array_equal(year, dates.dt.year.to_numpy(np.float64))
                continue
            sin, cos = output[f"{name}_{part}_sin"], output[f"{name}_{part}_cos"]
            for values in (sin, cos):
                np.testing.assert_array_equal(np.isnan(values), missing, err_msg=part)
            sin, cos = sin[~missing], cos[~missing]
            assert (np.abs(sin) <= 1).all(), part
            assert (np.abs(cos) <= 1).all(), part
            np.testing.assert_allclose(sin**2 + cos**2, 1.0, rtol=1e-12, err_msg=part)

            accessor, start, period = CYCLES[part]
            seen = dates[~missing]
            periods = 365 + seen.dt.is_leap_year.to_numpy() if period is None else period
            turns = np.arctan2(sin, cos) / TAU * periods
            position = np.round(turns).astype(int) % periods
            np.testing.assert_allclose(turns, np.round(turns), atol=1e-6, err_msg=part)
            np.testing.assert_array_equal(
                position, getattr(seen.dt, accessor).to_numpy() - start, err_msg=part
            )


def cyclic_pair(output: dict[str, np.ndarray], name: str, part: str) -> np.ndarray:
    return np.column_stack([output[f"{name}_{part}_sin"], output[f"{name}_{part}_cos"]])


@given(frame=date_frames(allow_nat=False))
def test_whole_cycles_change_nothing_and_one_step_turns_by_one_step(
    frame: pd.DataFrame,
) -> None:
    """A week later: same weekday, hour and minute. A day later: same hour and minute,
    the weekday one seventh of a turn on. An hour later: same minute, the hour one
    twenty-fourth of a turn on."""
    parts = ("day_of_week", "hour", "minute")
    now = encode(frame, parts)
    week = encode(frame + pd.Timedelta(days=7), parts)
    day = encode(frame + pd.Timedelta(hours=24), parts)
    hour = encode(frame + pd.Timedelta(hours=1), parts)
    for name in frame.columns:
        for part in parts:
            np.testing.assert_allclose(
                cyclic_pair(week, name, part), cyclic_pair(now, name, part), atol=1e-9
            )
        for part in ("hour", "minute"):
            np.testing.assert_allclose(
                cyclic_pair(day, name, part), cyclic_pair(now, name, part), atol=1e-9
            )
        np.testing.assert_allclose(
            cyclic_pair(hour, name, "minute"), cyclic_pair(now, name, "minute"), atol=1e-9
        )
        for later, part, period in ((day, "day_of_week", 7), (hour, "hour", 24)):
            np.testing.assert_allclose(
                cyclic_pair(later, name, part),
                rotated(cyclic_pair(now, name, part), TAU / period),
                atol=1e-9,
                err_msg=f"{part} one step on",
            )


def rotated(pairs: np.ndarray, angle: float) -> np.ndarray:
    """(sin a, cos a) -> (sin(a + angle), cos(a + angle))."""
    sin, cos = pairs[:, 0], pairs[:, 1]
    return np.column_stack(
        [sin * np.cos(angle) + cos * np.sin(angle), cos * np.cos(angle) - sin * np.sin(angle)]
    )


@given(frame=date_frames(), parts=part_tuples, data=st.data())
def test_rows_are_encoded_one_by_one_whatever_was_fitted(
    frame: pd.DataFrame, parts: tuple[str, ...], data: st.DataObject
) -> None:
    """Permuting the rows permutes the output; fitting on one row of missing dates (with
    the same columns) changes nothing: the encoder learns only which columns come."""
    encoder = CalendarEncoder(parts=parts)
    output = encoder.fit_transform(frame)
    order = data.draw(st.permutations(range(len(frame))), label="row order")
    np.testing.assert_array_equal(encoder.fit_transform(frame.iloc[order]), output[order])

    nothing = frame.iloc[:1].where(np.zeros((1, frame.shape[1]), dtype=bool))  # all NaT
    np.testing.assert_array_equal(
        CalendarEncoder(parts=parts).fit(nothing).transform(frame), output
    )


@given(frame=date_frames(time_zones=False, step=MINUTE), parts=part_tuples)
def test_numbers_are_read_as_nanoseconds_since_the_epoch(
    frame: pd.DataFrame, parts: tuple[str, ...]
) -> None:
    """The dates as float nanoseconds (NaN for NaT) encode as the dates do: whole
    minutes are exact in float64 across the whole range."""
    numbers = frame.apply(lambda dates: dates.astype("int64").astype(float).where(dates.notna()))
    dates = CalendarEncoder(parts=parts).fit_transform(frame)
    np.testing.assert_array_equal(CalendarEncoder(parts=parts).fit_transform(numbers), dates)
    from_array = CalendarEncoder(parts=parts).fit_transform(numbers.to_numpy())
    np.testing.assert_array_equal(from_array, dates)


# ------------------------------------------------- the contract every transformer keeps

SHARED = {
    "dates": contract.Case(lambda: CalendarEncoder(parts=PARTS), date_frames()),
    "nanoseconds": contract.Case(
        CalendarEncoder, numeric_frames(elements=moderate_floats, allow_nan=True)
    ),
}
shared_cases = pytest.mark.parametrize("case", SHARED.values(), ids=SHARED.keys())


@shared_cases
def test_the_shared_output_contract(case: Any) -> None:
    contract.test_output_contract(case=case)


@shared_cases
def test_the_shared_empty_and_single_row_contract(case: Any) -> None:
    contract.test_empty_and_single_row_tables(case=case)
