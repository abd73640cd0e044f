"""QuantileClipper: winsorising respects the learned bounds and nothing else changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.features.transformers import QuantileClipper

from tests.property.strategies import numeric_frames

quantile_pairs = st.tuples(
    st.floats(min_value=0.0, max_value=0.45), st.floats(min_value=0.55, max_value=1.0)
)


@given(frame=numeric_frames(allow_nan=True), quantiles=quantile_pairs)
def test_clipping_respects_the_learned_bounds(
    frame: pd.DataFrame, quantiles: tuple[float, float]
) -> None:
    lower_quantile, upper_quantile = quantiles
    clipper = QuantileClipper(lower_quantile, upper_quantile).set_output(transform="pandas")
    clipped = clipper.fit_transform(frame)
    values, result = frame.to_numpy(), clipped.to_numpy()
    lower, upper = clipper.lower_bounds_, clipper.upper_bounds_

    np.testing.assert_array_equal(
        np.isnan(result), np.isnan(values), err_msg="NaN must pass through, and only NaN"
    )
    observed = ~np.isnan(result)
    assert (result[observed] >= np.broadcast_to(lower, result.shape)[observed]).all(), (
        f"a value fell below its column's lower bound {lower}"
    )
    assert (result[observed] <= np.broadcast_to(upper, result.shape)[observed]).all(), (
        f"a value rose above its column's upper bound {upper}"
    )
    inside = observed & (values >= lower) & (values <= upper)
    np.testing.assert_array_equal(
        result[inside], values[inside], err_msg="values within the bounds must not change"
    )
    for column, name in enumerate(frame.columns):
        seen = values[:, column][~np.isnan(values[:, column])]
        if seen.size == 0:
            continue
        assert seen.min() <= lower[column] <= upper[column] <= seen.max(), (
            f"{name}: bounds [{lower[column]}, {upper[column]}] outside the training range "
            f"[{seen.min()}, {seen.max()}]"
        )
        assert_is_quantile(seen, lower[column], lower_quantile, f"{name} lower bound")
        assert_is_quantile(seen, upper[column], upper_quantile, f"{name} upper bound")


def assert_is_quantile(seen: np.ndarray, bound: float, quantile: float, what: str) -> None:
    """``bound`` sits where the q-quantile must: with h = q * (n - 1), at least
    floor(h) + 1 values are <= it and at least n - ceil(h) values are >= it
    (order statistics of the linear-interpolation definition; 1e-12 slack for rounding).
    """
    position = quantile * (seen.size - 1)
    slack = 1e-12 * max(1.0, float(np.abs(seen).max()))
    at_most = int((seen <= bound + slack).sum())
    at_least = int((seen >= bound - slack).sum())
    assert at_most >= np.floor(position) + 1, (
        f"{what} {bound}: only {at_most} of {seen.size} training values at or below it; "
        f"the {quantile} quantile has at least {int(np.floor(position)) + 1}"
    )
    assert at_least >= seen.size - np.ceil(position), (
        f"{what} {bound}: only {at_least} of {seen.size} training values at or above it; "
        f"the {quantile} quantile has at least {seen.size - int(np.ceil(position))}"
    )


@given(frame=numeric_frames(allow_nan=True), new=st.data())
def test_clipping_is_idempotent_and_uses_training_bounds(
    frame: pd.DataFrame, new: st.DataObject
) -> None:
    clipper = QuantileClipper(0.1, 0.9).set_output(transform="pandas").fit(frame)
    once = clipper.transform(frame)
    twice = clipper.transform(once)
    np.testing.assert_array_equal(twice.to_numpy(), once.to_numpy(), err_msg="not idempotent")

    other = new.draw(numeric_frames(min_columns=frame.shape[1], max_columns=frame.shape[1]))
    other.columns = frame.columns
    expected = np.clip(other.to_numpy(), clipper.lower_bounds_, clipper.upper_bounds_)
    np.testing.assert_array_equal(
        clipper.transform(other).to_numpy(),
        expected,
        err_msg="new data must be clipped at the bounds learned in fit",
    )


def test_an_all_nan_column_is_left_alone() -> None:
    frame = pd.DataFrame({"empty": [np.nan, np.nan, np.nan], "full": [1.0, 2.0, 30.0]})
    clipper = QuantileClipper(0.1, 0.9).set_output(transform="pandas").fit(frame)
    assert clipper.lower_bounds_[0] == -np.inf
    assert clipper.upper_bounds_[0] == np.inf
    assert clipper.transform(frame)["empty"].isna().all()
