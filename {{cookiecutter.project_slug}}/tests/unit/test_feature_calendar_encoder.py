"""CalendarEncoder on dates whose parts are known by hand: the angle of every part, the
year's own length, time zones, numbers as nanoseconds and their bounds, missing dates,
and each wrong parameter or input failing with a message that names the transformer,
the parameter or column, what was expected and what was found.

It also runs scikit-learn's estimator checks and its docstring example, as
``tests/unit/test_transformers_sklearn.py`` does for every class of
``features.transformers.__all__``: once CalendarEncoder is listed there, that module
covers it and the last two tests here can go.
"""

from __future__ import annotations

import doctest
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.features.calendar_encoder import PARTS, CalendarEncoder

ALL_PARTS = ("year", "month", "day_of_week", "day_of_year", "hour", "minute")
TAU = 2 * np.pi


def encode(dates: list[str | None], parts: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame({"at": pd.to_datetime(pd.Series(dates, dtype=object), format="ISO8601")})
    return CalendarEncoder(parts=parts).set_output(transform="pandas").fit_transform(frame)


def fails(transformer: Any, message: str, data: Any) -> None:
    """``fit`` raises InputError with exactly ``message``."""
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        transformer.fit(data)


# ------------------------------------------------------------------ values by hand


def test_the_known_parts_are_listed_in_order() -> None:
    assert PARTS == ALL_PARTS


def test_a_date_at_quarter_turns_gives_exact_sines_and_cosines() -> None:
    """2024-04-01 18:00 is a Monday of April: month 3/12 (a quarter turn), day of week 0,
    hour 18/24 (three quarters)."""
    row = encode(["2024-04-01 18:00"], ("year", "month", "day_of_week", "hour")).iloc[0]
    assert row.to_dict() == pytest.approx(
        {
            "at_year": 2024.0,
            "at_month_sin": 1.0,
            "at_month_cos": 0.0,
            "at_day_of_week_sin": 0.0,
            "at_day_of_week_cos": 1.0,
            "at_hour_sin": -1.0,
            "at_hour_cos": 0.0,
        },
        abs=1e-12,
    )


# (date, part, position in the cycle, period): the angle is 2 pi position / period.
KNOWN_POSITIONS = [
    ("2023-01-01 00:00", "month", 0, 12),
    ("2023-02-28 00:00", "month", 1, 12),
    ("2023-12-31 00:00", "month", 11, 12),
    ("2024-04-01 00:00", "day_of_week", 0, 7),  # Monday
    ("2024-04-03 00:00", "day_of_week", 2, 7),  # Wednesday
    ("2024-04-07 00:00", "day_of_week", 6, 7),  # Sunday
    ("2023-01-01 00:00", "day_of_year", 0, 365),
    ("2023-02-01 00:00", "day_of_year", 31, 365),
    ("2023-12-31 00:00", "day_of_year", 364, 365),
    ("2024-03-01 00:00", "day_of_year", 60, 366),  # after 29 February
    ("2024-12-31 00:00", "day_of_year", 365, 366),
    ("2024-05-05 00:59", "hour", 0, 24),
    ("2024-05-05 01:00", "hour", 1, 24),
    ("2024-05-05 13:45", "hour", 13, 24),
    ("2024-05-05 23:59", "hour", 23, 24),
    ("2024-05-05 13:00:59", "minute", 0, 60),
    ("2024-05-05 13:07:00", "minute", 7, 60),
    ("2024-05-05 13:59:00", "minute", 59, 60),
]


@pytest.mark.parametrize(("date", "part", "position", "period"), KNOWN_POSITIONS)
def test_each_part_sits_at_its_position_around_its_period(
    date: str, part: str, position: int, period: int
) -> None:
    row = encode([date], (part,)).iloc[0]
    assert row[f"at_{part}_sin"] == pytest.approx(np.sin(TAU * position / period), abs=1e-12)
    assert row[f"at_{part}_cos"] == pytest.approx(np.cos(TAU * position / period), abs=1e-12)


def test_the_last_day_of_any_year_is_one_step_before_the_first() -> None:
    """The year's own length: 31 December is 1/365 or 1/366 of a turn short of 1 January."""
    output = encode(["2023-12-31", "2024-12-31", "2025-01-01"], ("day_of_year",))
    angles = np.arctan2(output["at_day_of_year_sin"], output["at_day_of_year_cos"])
    np.testing.assert_allclose(angles, [-TAU / 365, -TAU / 366, 0.0], atol=1e-12)


def test_years_are_floats_and_not_cyclic() -> None:
    output = encode(["1677-09-22", "1999-12-31 23:59", "2000-01-01", "2262-04-11"], ("year",))
    assert list(output.columns) == ["at_year"]
    assert output["at_year"].tolist() == [1677.0, 1999.0, 2000.0, 2262.0]
    assert output["at_year"].dtype == np.float64


def test_names_list_each_column_with_its_parts_in_order() -> None:
    frame = pd.DataFrame(
        {"signup": pd.to_datetime(["2024-01-01"]), "churned": pd.to_datetime(["2024-06-01"])}
    )
    encoder = CalendarEncoder(parts=("hour", "year")).fit(frame)
    assert encoder.get_feature_names_out().tolist() == [
        "signup_hour_sin",
        "signup_hour_cos",
        "signup_year",
        "churned_hour_sin",
        "churned_hour_cos",
        "churned_year",
    ]
    unnamed = CalendarEncoder(parts=("month",)).fit(np.zeros((2, 1)))
    assert unnamed.get_feature_names_out().tolist() == ["x0_month_sin", "x0_month_cos"]
    assert encoder.transform(frame).shape == (1, 6)


def test_a_missing_date_blanks_its_own_columns_only() -> None:
    frame = pd.DataFrame(
        {
            "a": pd.to_datetime(["2024-01-01", None, "2024-01-03"]),
            "b": pd.to_datetime(["2024-02-01", "2024-02-02", None]),
        }
    )
    output = CalendarEncoder(parts=ALL_PARTS).set_output(transform="pandas").fit_transform(frame)
    missing = output.isna()
    a_columns = [name for name in output.columns if name.startswith("a_")]
    b_columns = [name for name in output.columns if name.startswith("b_")]
    assert len(a_columns) == len(b_columns) == 11
    assert missing.loc[1, a_columns].all()
    assert not missing.loc[1, b_columns].any()
    assert missing.loc[2, b_columns].all()
    assert not missing.loc[2, a_columns].any()
    assert not missing.loc[0].any()


# -------------------------------------------------------------------------- inputs


def test_a_time_zone_aware_column_is_read_in_utc() -> None:
    """00:30 in Paris on New Year's Day is 23:30 UTC on 31 December of the year before."""
    stamps = pd.to_datetime(["2024-01-01 00:30", "2024-07-01 12:00"]).tz_localize("Europe/Paris")
    frame = pd.DataFrame({"at": stamps})
    output = CalendarEncoder(parts=("year", "hour")).fit_transform(frame)
    expected = [
        [2023.0, np.sin(TAU * 23 / 24), np.cos(TAU * 23 / 24)],
        [2024.0, np.sin(TAU * 10 / 24), np.cos(TAU * 10 / 24)],  # summer time: UTC+2
    ]
    np.testing.assert_allclose(output, expected, atol=1e-12)


def test_any_datetime_unit_is_read_even_beyond_what_nanoseconds_hold() -> None:
    seconds = pd.DataFrame({"at": np.array(["2500-03-01", "1500-01-01"], dtype="datetime64[s]")})
    output = CalendarEncoder(parts=("year", "month")).fit_transform(seconds)
    np.testing.assert_allclose(output[:, 0], [2500.0, 1500.0])
    np.testing.assert_allclose(output[:, 1], [np.sin(TAU * 2 / 12), 0.0], atol=1e-12)


def test_a_datetime64_array_is_read_as_dates_not_as_numbers() -> None:
    days = np.array([["2024-03-01", "NaT"]], dtype="datetime64[D]")
    output = CalendarEncoder(parts=("year",)).fit_transform(days)
    np.testing.assert_array_equal(output, [[2024.0, np.nan]])


def test_a_one_dimensional_datetime64_array_is_refused_like_any_1d_input() -> None:
    days = np.array(["2024-03-01", "2024-03-02"], dtype="datetime64[D]")
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        CalendarEncoder().fit(days)


def test_numbers_are_nanoseconds_since_the_unix_epoch_rounded_down() -> None:
    """0 is Thursday 1 January 1970, midnight; half a nanosecond before it is 1969;
    NaN is a missing date."""
    numbers = np.array([[0.0], [-0.5], [np.nan], [1.7e18]])
    output = CalendarEncoder(parts=("year", "day_of_week")).fit_transform(numbers)
    np.testing.assert_allclose(
        output,
        [
            [1970.0, np.sin(TAU * 3 / 7), np.cos(TAU * 3 / 7)],
            [1969.0, np.sin(TAU * 2 / 7), np.cos(TAU * 2 / 7)],
            [np.nan, np.nan, np.nan],
            [2023.0, np.sin(TAU * 1 / 7), np.cos(TAU * 1 / 7)],  # Tuesday 14 November 2023
        ],
        atol=1e-12,
    )


def test_numeric_columns_of_a_frame_are_nanoseconds_too_beside_dates() -> None:
    frame = pd.DataFrame(
        {
            "at": pd.to_datetime(["2024-01-01", None]),
            "ns": pd.array([86_400 * 10**9, None], dtype="Int64"),  # 2 January 1970
        }
    )
    output = CalendarEncoder(parts=("year", "day_of_year")).fit_transform(frame)
    np.testing.assert_allclose(
        output,
        [
            [2024.0, 0.0, 1.0, 1970.0, np.sin(TAU / 365), np.cos(TAU / 365)],
            [np.nan] * 6,
        ],
        atol=1e-12,
    )


def test_booleans_are_numbers_too_zero_or_one_nanosecond() -> None:
    frame = pd.DataFrame({"flag": [False, True]})
    output = CalendarEncoder(parts=("year", "minute")).fit_transform(frame)
    np.testing.assert_array_equal(output, [[1970.0, 0.0, 1.0], [1970.0, 0.0, 1.0]])


@pytest.mark.parametrize(
    ("number", "year"), [(-(2.0**63) + 1024, 1677.0), (2.0**63 - 1024, 2262.0)]
)
def test_the_extreme_nanoseconds_pandas_can_hold_are_read(number: float, year: float) -> None:
    output = CalendarEncoder(parts=("year",)).fit_transform(np.array([[1.0], [number]]))
    assert output[:, 0].tolist() == [1970.0, year]


@pytest.mark.parametrize("number", [-(2.0**63), 2.0**63, np.inf, -np.inf, 1e19])
def test_numbers_beyond_the_nanoseconds_pandas_can_hold_are_refused(number: float) -> None:
    frame = pd.DataFrame({"ns": [0.0, 1.0, number]})
    fails(
        CalendarEncoder(),
        f"CalendarEncoder: column 'ns' holds {number!r} at row 2; expected nanoseconds since "
        "the Unix epoch within +-2**63 (the years 1677 to 2262) or NaN",
        frame,
    )


def test_a_number_beyond_them_in_an_array_names_its_column_and_row() -> None:
    fails(
        CalendarEncoder(),
        "CalendarEncoder: column 'x1' holds -1e+19 at row 1; expected nanoseconds since "
        "the Unix epoch within +-2**63 (the years 1677 to 2262) or NaN",
        np.array([[0.0, 0.0], [1.0, -1e19]]),
    )


def test_an_array_after_a_frame_is_blamed_on_the_frames_column_names() -> None:
    encoder = CalendarEncoder().fit(pd.DataFrame({"ns": [0.0]}))
    message = (
        "CalendarEncoder: column 'ns' holds 1e+19 at row 0; expected nanoseconds since "
        "the Unix epoch within +-2**63 (the years 1677 to 2262) or NaN"
    )
    with (
        pytest.warns(UserWarning, match="X does not have valid feature names"),
        pytest.raises(InputError, match=f"^{re.escape(message)}$"),
    ):
        encoder.transform(np.array([[1e19]]))


def test_inf_in_an_array_names_its_column_and_row() -> None:
    fails(
        CalendarEncoder(),
        "CalendarEncoder: column 'x1' contains inf at row 1; expected finite numbers or NaN",
        np.array([[0.0, 0.0], [0.0, np.inf]]),
    )


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["2024-01-01"], dtype="str"),
        pd.Series(["2024-01-01"], dtype=object),
        pd.Series([pd.Timedelta(days=1)]),
        pd.Series(["a"], dtype="category"),
    ],
    ids=["str", "object", "timedelta", "category"],
)
def test_text_and_other_columns_are_refused_naming_the_column(column: pd.Series) -> None:
    frame = pd.DataFrame({"at": pd.to_datetime(["2024-01-01"]), "signup": column})
    encoder = CalendarEncoder()
    fails(
        encoder,
        f"CalendarEncoder: column 'signup' has dtype {column.dtype}; expected datetime64 or numbers "
        "(nanoseconds since the Unix epoch): parse dates in the contract first",
        frame,
    )
    assert not hasattr(encoder, "n_features_in_"), "a refused frame must not be half-fitted"


def test_an_empty_frame_gets_scikit_learns_message() -> None:
    frame = pd.DataFrame({"at": pd.to_datetime(["2024-01-01"])}).iloc[:0]
    with pytest.raises(ValueError, match=r"0 sample\(s\) \(shape=\(0, 1\)\).*CalendarEncoder"):
        CalendarEncoder().fit(frame)
    with pytest.raises(ValueError, match=r"0 feature\(s\) \(shape=\(1, 0\)\).*CalendarEncoder"):
        CalendarEncoder().fit(pd.DataFrame(index=[0]))


def test_it_learns_only_the_columns_so_other_data_can_follow() -> None:
    train = pd.DataFrame({"at": pd.to_datetime(["2020-01-01", "2020-01-02"])})
    later = pd.DataFrame({"at": pd.to_datetime(["2031-07-04 05:00"])})
    encoder = CalendarEncoder(parts=("year", "hour")).fit(train)
    np.testing.assert_allclose(
        encoder.transform(later), [[2031.0, np.sin(TAU * 5 / 24), np.cos(TAU * 5 / 24)]]
    )
    assert encoder.n_features_in_ == 1
    assert encoder.feature_names_in_.tolist() == ["at"]
    with pytest.raises(ValueError, match="X has 2 features, but CalendarEncoder is expecting 1"):
        CalendarEncoder().fit(np.zeros((1, 1))).transform(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="Feature names unseen at fit time"):
        encoder.transform(later.rename(columns={"at": "when"}))


# ---------------------------------------------------------------------- parameters


@pytest.mark.parametrize("parts", [("year",), ["minute", "year"], ALL_PARTS])
def test_any_non_empty_tuple_or_list_of_known_parts_is_accepted(parts: Any) -> None:
    frame = pd.DataFrame({"at": pd.to_datetime(["2024-01-01"])})
    assert CalendarEncoder(parts=parts).fit(frame).transform(frame).shape[0] == 1


@pytest.mark.parametrize(
    ("parts", "problem"),
    [
        ("month", "expected a non-empty tuple of parts from {known}, found 'month'"),
        ((), "expected a non-empty tuple of parts from {known}, found ()"),
        ([], "expected a non-empty tuple of parts from {known}, found []"),
        (None, "expected a non-empty tuple of parts from {known}, found None"),
        (("year", "week"), "expected each one of {known}, found 'week'"),
        (("Month",), "expected each one of {known}, found 'Month'"),
        (("hour", "year", "hour"), "expected each part once, found 'hour' twice or more"),
        (["minute", "minute"], "expected each part once, found 'minute' twice or more"),
    ],
)
def test_wrong_parts_are_refused_naming_the_parameter(parts: Any, problem: str) -> None:
    message = problem.format(known=list(ALL_PARTS))
    fails(
        CalendarEncoder(parts=parts),
        f"CalendarEncoder: parts: {message}",
        pd.DataFrame({"at": pd.to_datetime(["2024-01-01"])}),
    )


# ----------------------------------------- what test_transformers_sklearn.py will cover


def test_docstring_example_shows_what_happens() -> None:
    (examples,) = doctest.DocTestFinder(recurse=False).find(CalendarEncoder, "CalendarEncoder")
    assert examples.examples
    report: list[str] = []
    result = doctest.DocTestRunner().run(examples, out=report.append)
    assert result.failed == 0, "".join(report)


@parametrize_with_checks([CalendarEncoder()])
def test_scikit_learn_contract(estimator, check):
    check(estimator)
