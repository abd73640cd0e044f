"""Each transformer at the edges of what it promises, with the exact result worked out
by hand: pairs exactly at a threshold, chains of near-duplicates, constant and
never-overlapping columns, mixed category codes, knots on a skewed column, quantile
bounds at 0 and 1, a constant column that went through arithmetic.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.features.transformers import (
    CategoryEncoder,
    ColumnScaler,
    CorrelationFilter,
    NonLinearExpander,
    QuantileClipper,
)

# ----------------------------------------------------------------- CorrelationFilter


def test_a_chain_of_near_duplicates_keeps_both_ends_and_blames_the_first() -> None:
    """b is 20 degrees from a and from c, which are 40 degrees apart (r = cos angle):
    a drops b (r = 0.94 > 0.9); c (r = 0.77 with a) stays, and b's reason stays a."""
    e1, e2 = np.array([1.0, -1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0, -1.0])
    angle = np.radians(20)
    frame = pd.DataFrame(
        {
            "a": e1,
            "b": np.cos(angle) * e1 + np.sin(angle) * e2,
            "c": np.cos(2 * angle) * e1 + np.sin(2 * angle) * e2,
        }
    )
    selector = CorrelationFilter(threshold=0.9).fit(frame)
    assert selector.kept_features_.tolist() == ["a", "c"]
    ((dropped, partner, r),) = selector.drop_reasons_
    assert (dropped, partner) == ("b", "a")
    assert r == pytest.approx(np.cos(angle), rel=1e-12)


def test_a_pair_exactly_at_the_threshold_is_kept() -> None:
    """A column and its double have |r| = 1 exactly: above 0.999, not above 1."""
    frame = pd.DataFrame({"cm": [1.0, 2.0, 4.0, 7.0], "doubled": [2.0, 4.0, 8.0, 14.0]})
    assert CorrelationFilter(threshold=1.0).fit(frame).kept_features_.tolist() == ["cm", "doubled"]
    assert CorrelationFilter(threshold=0.999).fit(frame).drop_reasons_ == [("doubled", "cm", 1.0)]


def test_a_constant_column_first_drops_nothing() -> None:
    frame = pd.DataFrame(
        {"flat": [5.0, 5.0, 5.0, 5.0], "a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 1.0, 3.0, 2.0]}
    )
    selector = CorrelationFilter(threshold=0.5).fit(frame)
    assert selector.kept_features_.tolist() == ["flat", "a", "b"]
    assert selector.drop_reasons_ == []


def test_a_constant_column_that_went_through_arithmetic_correlates_with_nothing() -> None:
    """One unit in the last place of noise at 1e6 would give r = 0.83 with the flag."""
    ulp_above = np.nextafter(1e6, 2e6)
    frame = pd.DataFrame({"total": [1e6, ulp_above, 1e6, ulp_above], "flag": [0.0, 1.0, 0.0, 1.0]})
    assert CorrelationFilter(threshold=0.5).fit(frame).kept_features_.tolist() == ["total", "flag"]


def test_r_uses_the_rows_observed_in_both_columns() -> None:
    """a and b share two rows (|r| = 1 over them); c shares none with either (no r)."""
    nan = np.nan
    frame = pd.DataFrame(
        {
            "a": [1.0, 2.0, nan, 5.0, nan, nan],
            "b": [3.0, 7.0, 4.0, nan, nan, nan],
            "c": [nan, nan, nan, nan, 1.0, 2.0],
        }
    )
    selector = CorrelationFilter(threshold=0.95).fit(frame)
    assert selector.kept_features_.tolist() == ["a", "c"]
    assert selector.dropped_features_.tolist() == ["b"]


def test_kept_and_dropped_names_are_arrays_like_feature_names_in() -> None:
    frame = pd.DataFrame({"cm": [1.0, 2.0, 4.0], "doubled": [2.0, 4.0, 8.0]})
    selector = CorrelationFilter().fit(frame)
    assert selector.kept_features_.dtype == selector.feature_names_in_.dtype
    assert selector.dropped_features_.dtype == selector.feature_names_in_.dtype


# ------------------------------------------------------------------- CategoryEncoder


def test_a_value_that_is_neither_text_nor_number_is_named_by_column_and_row() -> None:
    frame = pd.DataFrame({"island": ["Dream", ["Biscoe"], None]}, dtype=object)
    with pytest.raises(
        TypeError,
        match=r"^CategoryEncoder: column 'island' holds a list at row 1; argument must be "
        r"a string or a number \(or missing\)$",
    ):
        CategoryEncoder().fit(frame)


def test_categories_with_the_same_text_are_rejected() -> None:
    frame = pd.DataFrame({"code": [1, "1", 2]}, dtype=object)
    message = (
        "CategoryEncoder: categories give duplicate column names ['code_1']; expected "
        "distinct category texts within a column (e.g. not both 1 and '1')"
    )
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        CategoryEncoder().fit(frame)


def test_number_codes_and_text_in_one_column_stay_distinct_values() -> None:
    """The code 3 stays the number 3 (so 3.0 matches it), not the text '3'."""
    frame = pd.DataFrame({"grade": [3, "a", 3, None]}, dtype=object)
    encoder = CategoryEncoder().fit(frame)
    assert encoder.get_feature_names_out().tolist() == ["grade_3", "grade_a"]
    new = pd.DataFrame({"grade": [3.0, "a", "3", None]}, dtype=object)
    assert encoder.transform(new).tolist() == [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [0.0, 0.0]]


@pytest.mark.parametrize("text_dtype", ["string", "string[pyarrow]"])
def test_pandas_na_in_boolean_and_string_columns_encodes_as_all_zeros(text_dtype: str) -> None:
    """The contract reader gives bool columns pandas' "boolean" dtype and text a string
    dtype, whose missing value is pd.NA: it encodes as None and NaN do, as all zeros."""
    frame = pd.DataFrame(
        {
            "member": pd.array([True, False, pd.NA, True], dtype="boolean"),
            "colour": pd.array(["red", pd.NA, "blue", "red"], dtype=text_dtype),
        }
    )
    plain = pd.DataFrame(
        {"member": [True, False, None, True], "colour": ["red", np.nan, "blue", "red"]},
        dtype=object,
    )
    expected = [[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
    expected.append(expected[0])
    encoder = CategoryEncoder().fit(frame)
    assert encoder.get_feature_names_out().tolist() == [
        "member_True",
        "member_False",
        "colour_red",
        "colour_blue",
    ]
    assert encoder.transform(frame).tolist() == expected
    assert encoder.transform(plain).tolist() == expected
    from_plain = CategoryEncoder().fit(plain)
    assert [kept.tolist() for kept in from_plain.categories_] == [
        kept.tolist() for kept in encoder.categories_
    ]
    assert from_plain.transform(frame).tolist() == expected


def test_nat_in_an_object_column_is_missing() -> None:
    frame = pd.DataFrame({"grade": ["a", pd.NaT, "b", "a"]}, dtype=object)
    encoder = CategoryEncoder().fit(frame)
    assert encoder.get_feature_names_out().tolist() == ["grade_a", "grade_b"]
    assert encoder.transform(frame).tolist() == [[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 0.0]]


# ----------------------------------------------------------------- NonLinearExpander


def test_spline_knots_are_uniform_over_the_training_range_and_constant_beyond() -> None:
    """Training values 0, 1, 2, 10 with 3 knots: knots at 0, 5 and 10 (not at the
    quantiles 0, 1.5, 10). Degree 1: a hat at each knot, the last one left out."""
    expander = NonLinearExpander(n_knots=3, degree=1).fit(
        pd.DataFrame({"x": [0.0, 1.0, 2.0, 10.0]})
    )
    assert expander.get_feature_names_out().tolist() == ["x_spline0", "x_spline1"]
    new = pd.DataFrame({"x": [-5.0, 0.0, 2.5, 5.0, 10.0, 20.0]})
    assert expander.transform(new).tolist() == [
        [1.0, 0.0],
        [1.0, 0.0],
        [0.5, 0.5],
        [0.0, 1.0],
        [0.0, 0.0],
        [0.0, 0.0],
    ]


def test_a_cubic_polynomial_names_every_product_up_to_degree_three() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 5.0]})
    expander = NonLinearExpander(method="polynomial", degree=3).fit(frame)
    assert expander.get_feature_names_out().tolist() == [
        "a",
        "b",
        "a^2",
        "a*b",
        "b^2",
        "a^3",
        "a^2*b",
        "a*b^2",
        "b^3",
    ]
    assert expander.transform(frame)[1].tolist() == [
        2.0,
        5.0,
        4.0,
        10.0,
        25.0,
        8.0,
        20.0,
        50.0,
        125.0,
    ]


# ------------------------------------------------------------------- QuantileClipper


@pytest.mark.parametrize(("lower", "upper"), [(0.5, 0.5), (0.6, 0.4), (-0.1, 0.9), (0.1, 1.5)])
def test_quantiles_must_be_ordered_within_zero_and_one(lower: float, upper: float) -> None:
    message = (
        "QuantileClipper: expected 0 <= lower_quantile < upper_quantile <= 1, found "
        f"lower_quantile={lower!r}, upper_quantile={upper!r}"
    )
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        QuantileClipper(lower, upper).fit(pd.DataFrame({"x": [1.0, 2.0]}))


def test_quantiles_zero_and_one_clip_new_data_to_the_training_range() -> None:
    clipper = QuantileClipper(0.0, 1.0).fit(pd.DataFrame({"x": [3.0, 1.0, 100.0]}))
    new = pd.DataFrame({"x": [-5.0, 1.0, 50.0, 100.0, 1e6]})
    assert clipper.transform(new).ravel().tolist() == [1.0, 1.0, 50.0, 100.0, 100.0]


# ---------------------------------------------------------------------- ColumnScaler


def test_a_constant_column_that_went_through_arithmetic_is_not_blown_up() -> None:
    """One unit in the last place apart at 1e6 is rounding, not spread: centred only."""
    ulp_above = np.nextafter(1e6, 2e6)
    frame = pd.DataFrame({"total": [1e6, ulp_above, 1e6, ulp_above]})
    scaler = ColumnScaler().fit(frame)
    assert scaler.scale_.tolist() == [1.0]
    assert np.abs(scaler.transform(frame)).max() < 1e-9
