"""CategoryEncoder: one indicator per known category; missing and unseen give zeros."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.features.transformers import CategoryEncoder

from tests.property.strategies import categorical_frames


def block(output: pd.DataFrame, encoder: CategoryEncoder, column: int) -> pd.DataFrame:
    name = encoder.feature_names_in_[column]
    return output[[f"{name}_{category}" for category in encoder.categories_[column]]]


@given(frame=categorical_frames(), max_categories=st.integers(1, 4))
def test_each_known_value_lights_exactly_its_own_indicator(
    frame: pd.DataFrame, max_categories: int
) -> None:
    encoder = CategoryEncoder(max_categories=max_categories).set_output(transform="pandas")
    output = encoder.fit_transform(frame)
    assert set(np.unique(output.to_numpy())) <= {0.0, 1.0}, "indicators are 0 or 1"
    for column, name in enumerate(frame.columns):
        categories = list(encoder.categories_[column])
        counts = frame[name].value_counts()
        assert len(categories) == min(max_categories, len(counts)), (
            f"{name}: learned {categories}, expected the {max_categories} most frequent"
        )
        learned_counts = [counts[category] for category in categories]
        assert learned_counts == sorted(learned_counts, reverse=True), (
            f"{name}: categories {categories} are not most frequent first"
        )
        indicators = block(output, encoder, column)
        known = frame[name].isin(categories).to_numpy() & frame[name].notna().to_numpy()
        np.testing.assert_array_equal(
            indicators.sum(axis=1).to_numpy(),
            known.astype(float),
            err_msg=f"{name}: a known value lights one indicator; missing or rare, none",
        )
        for row in np.flatnonzero(known):
            lit = indicators.columns[indicators.iloc[row].to_numpy() == 1][0]
            assert lit == f"{name}_{frame[name].iloc[row]}", f"{name} row {row}: {lit} lit"


@given(frame=categorical_frames())
def test_unseen_and_missing_values_encode_as_all_zeros(frame: pd.DataFrame) -> None:
    encoder = CategoryEncoder().set_output(transform="pandas").fit(frame)
    strange = pd.DataFrame(
        {name: ["never seen", None] for name in frame.columns}, index=[10, 20]
    ).astype(object)
    output = encoder.transform(strange)
    assert list(output.index) == [10, 20]
    assert (output.to_numpy() == 0).all(), "unseen and missing values must give all zeros"


def test_constant_and_all_missing_columns() -> None:
    frame = pd.DataFrame({"same": ["a", "a", "a"], "none": [None, None, None]}, dtype=object)
    output = CategoryEncoder().set_output(transform="pandas").fit_transform(frame)
    assert list(output.columns) == ["same_a"], "an all-missing column has no category"
    assert output["same_a"].tolist() == [1.0, 1.0, 1.0]


def test_numbers_are_treated_as_category_codes() -> None:
    frame = pd.DataFrame({"code": [3, 1, 3, 2]})
    output = CategoryEncoder().set_output(transform="pandas").fit_transform(frame)
    assert list(output.columns) == ["code_3", "code_1", "code_2"]
    assert output["code_3"].tolist() == [1.0, 0.0, 1.0, 0.0]
