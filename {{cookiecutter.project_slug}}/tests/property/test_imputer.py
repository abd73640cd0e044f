"""Imputer: every gap is filled with the training statistic, nothing else changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.features._stats import ALL_MISSING_FILL
from {{ cookiecutter.package_name }}.features.transformers import Imputer

from tests.property.strategies import numeric_frames


@pytest.mark.parametrize("strategy", ["median", "mean"])
@given(frame=numeric_frames(allow_nan=True), new=st.data())
def test_gaps_are_filled_with_the_training_statistic(
    strategy: str, frame: pd.DataFrame, new: st.DataObject
) -> None:
    imputer = Imputer(strategy=strategy).set_output(transform="pandas").fit(frame)
    statistic = np.median if strategy == "median" else np.mean
    for column, name in enumerate(frame.columns):
        seen = frame[name].dropna().to_numpy()
        expected = statistic(seen) if seen.size else ALL_MISSING_FILL
        assert imputer.statistics_[column] == pytest.approx(expected, rel=1e-12, abs=1e-9), (
            f"{name}: fill {imputer.statistics_[column]}, expected the {strategy} {expected}"
        )

    other = new.draw(
        numeric_frames(min_columns=frame.shape[1], max_columns=frame.shape[1], allow_nan=True)
    )
    other.columns = frame.columns
    filled = imputer.transform(other)
    assert not filled.isna().to_numpy().any(), "a gap was left unfilled"
    gaps = other.isna().to_numpy()
    np.testing.assert_array_equal(
        filled.to_numpy()[~gaps], other.to_numpy()[~gaps], err_msg="observed values changed"
    )
    np.testing.assert_array_equal(
        filled.to_numpy()[gaps],
        np.broadcast_to(imputer.statistics_, gaps.shape)[gaps],
        err_msg="gaps must get the statistic learned in fit, not one of the new data",
    )


def test_an_all_nan_training_column_is_filled_with_zero() -> None:
    frame = pd.DataFrame({"empty": [np.nan, np.nan], "full": [1.0, np.nan]})
    filled = Imputer().set_output(transform="pandas").fit_transform(frame)
    assert filled["empty"].tolist() == [ALL_MISSING_FILL, ALL_MISSING_FILL]
    assert filled["full"].tolist() == [1.0, 1.0]
