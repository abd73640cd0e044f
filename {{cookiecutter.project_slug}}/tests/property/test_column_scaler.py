"""ColumnScaler: scaled training columns are centred with unit spread."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

from {{ cookiecutter.package_name }}.features.transformers import ColumnScaler

from tests.property.strategies import numeric_frames

# Columns whose spread is at least this share of their magnitude are checked for exact
# centre and spread; below it float rounding, not the scaler, sets the last digits.
CLEAR_SPREAD = 1e-6
TOLERANCE = 1e-6


def centre_and_spread(values: np.ndarray, method: str) -> tuple[float, float]:
    if method == "standard":
        largest = float(np.abs(values).max()) or 1.0  # divide first: squares of 1e-160 underflow
        return float(np.mean(values)), largest * float(np.std(values / largest))
    low, median, high = np.quantile(values, [0.25, 0.5, 0.75])
    return float(median), float(high - low)


@pytest.mark.parametrize("method", ["standard", "robust"])
@given(frame=numeric_frames(allow_nan=True))
def test_scaled_columns_are_centred_with_unit_spread(method: str, frame: pd.DataFrame) -> None:
    scaler = ColumnScaler(method=method).set_output(transform="pandas")
    scaled = scaler.fit_transform(frame)
    np.testing.assert_array_equal(
        scaled.isna().to_numpy(), frame.isna().to_numpy(), err_msg="NaN must pass through"
    )
    for name in frame.columns:
        original = frame[name].dropna().to_numpy()
        if original.size == 0:
            continue
        result = scaled[name].dropna().to_numpy()
        centre, spread = centre_and_spread(original, method)
        if spread > CLEAR_SPREAD * np.abs(original).max():
            new_centre, new_spread = centre_and_spread(result, method)
            assert abs(new_centre) < TOLERANCE, (
                f"{method} {name}: scaled centre {new_centre}, expected 0 (column {original})"
            )
            assert abs(new_spread - 1) < TOLERANCE, (
                f"{method} {name}: scaled spread {new_spread}, expected 1 (column {original})"
            )
        elif np.ptp(original) == 0:
            np.testing.assert_array_equal(
                result,
                original - centre,
                err_msg=f"{method} {name}: a constant column is centred, not divided",
            )


@pytest.mark.parametrize("method", ["standard", "robust"])
@given(frame=numeric_frames(allow_nan=True))
def test_the_learned_centre_and_scale_are_what_is_applied(method: str, frame: pd.DataFrame) -> None:
    scaler = ColumnScaler(method=method).set_output(transform="pandas")
    scaled = scaler.fit_transform(frame).to_numpy()
    assert (scaler.scale_ > 0).all(), f"scale_ must be positive, got {scaler.scale_}"
    np.testing.assert_allclose(
        scaled * scaler.scale_ + scaler.center_,
        frame.to_numpy(),
        rtol=1e-9,
        atol=1e-9 * np.nanmax(np.abs(frame.to_numpy()), initial=1.0),
        equal_nan=True,
        err_msg="undoing center_ and scale_ must give the input back",
    )


def test_an_all_nan_column_is_centred_on_zero_with_unit_scale() -> None:
    frame = pd.DataFrame({"empty": [np.nan, np.nan], "full": [1.0, 3.0]})
    scaler = ColumnScaler(method="robust").fit(frame)
    assert (scaler.center_[0], scaler.scale_[0]) == (0.0, 1.0)
