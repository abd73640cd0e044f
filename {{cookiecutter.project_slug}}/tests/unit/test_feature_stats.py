"""The column statistics the numeric transformers share (``features/_stats.py``), at the
edges their docstrings promise: magnitudes near 1e-160 and 1e160, columns of zeros or
NaN, and a spread exactly at the tolerance that makes a column constant.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from {{ cookiecutter.package_name }}.features._stats import (
    RELATIVE_SPREAD_TOLERANCE,
    is_constant,
    stable_std,
    unit_magnitude,
)


@pytest.mark.parametrize("magnitude", [1e-160, 1.0, 1e160])
def test_the_standard_deviation_holds_at_any_scale(magnitude: float) -> None:
    """np.std of [1, 3] is 1; scaled by 1e-160 its squares underflow, by 1e160 overflow."""
    values = np.array([1.0, 3.0]) * magnitude
    assert stable_std(values) == pytest.approx(magnitude, rel=1e-12)


def test_a_column_of_zeros_has_no_spread() -> None:
    assert stable_std(np.zeros(3)) == 0.0


def test_a_spread_at_the_tolerance_is_constant_just_above_it_is_not() -> None:
    largest = np.array([1e6, 1e6, 0.0, np.nan])
    at_tolerance = RELATIVE_SPREAD_TOLERANCE * largest[0]
    spread = np.array([at_tolerance, np.nextafter(at_tolerance, 1.0), 0.0, np.nan])
    assert is_constant(spread, largest).tolist() == [True, False, True, False]


def test_unit_magnitude_divides_by_the_largest_and_leaves_zeros_and_nan_alone() -> None:
    data = np.array([[2.0, 0.0, np.nan], [-4.0, 0.0, np.nan]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0/0 behind the scenes
        scaled = unit_magnitude(data)
    np.testing.assert_array_equal(scaled, [[0.5, 0.0, np.nan], [-1.0, 0.0, np.nan]])
