"""The plumbing every transformer shares (``features/_base.py``): parameter checks, input
validation and feature names, each failing with a message that names the transformer,
the parameter or column (and row), what was expected and what was found.

Each bound is pinned on both sides: a value at it passes, the nearest value beyond it
is rejected.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.features import transformers
from {{ cookiecutter.package_name }}.features._base import (
    IntegerAtLeast,
    OneOf,
    Transformer,
    parameter_checks,
)
from {{ cookiecutter.package_name }}.features.transformers import (
    CategoryEncoder,
    ColumnScaler,
    CorrelationFilter,
    NonLinearExpander,
)

NUMBERS = pd.DataFrame({"a": [1.0, 2.0, 4.0, 8.0], "b": [3.0, 1.0, 0.0, 5.0]})


def fails(transformer: Any, message: str, data: Any = NUMBERS) -> None:
    """``fit`` raises InputError with exactly ``message``."""
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        transformer.fit(data)


# ----------------------------------------------------------------- parameter checks


def test_a_choice_outside_the_list_names_the_parameter_and_the_choices() -> None:
    fails(
        ColumnScaler(method="minmax"),
        "ColumnScaler: method: expected one of ['standard', 'robust'], found 'minmax'",
    )


@pytest.mark.parametrize("value", [0, 2.5, True, "3", None])
def test_max_categories_must_be_an_integer_of_at_least_one(value: object) -> None:
    fails(
        CategoryEncoder(max_categories=value),  # type: ignore[arg-type]
        f"CategoryEncoder: max_categories: expected an integer >= 1, found {value!r}",
        pd.DataFrame({"island": ["Dream", "Biscoe"]}),
    )


@pytest.mark.parametrize("value", [1, np.int64(1)])
def test_max_categories_at_its_minimum_keeps_the_most_frequent(value: int) -> None:
    frame = pd.DataFrame({"island": ["Dream", "Biscoe", "Dream"]})
    encoder = CategoryEncoder(max_categories=value).fit(frame)
    assert encoder.get_feature_names_out().tolist() == ["island_Dream"]


def test_the_expander_checks_each_integer_at_its_own_minimum() -> None:
    fails(
        NonLinearExpander(degree=0), "NonLinearExpander: degree: expected an integer >= 1, found 0"
    )
    fails(
        NonLinearExpander(n_knots=1),
        "NonLinearExpander: n_knots: expected an integer >= 2, found 1",
    )
    expander = NonLinearExpander(n_knots=2, degree=1).fit(NUMBERS)
    assert expander.get_feature_names_out().tolist() == ["a_spline0", "b_spline0"]


@pytest.mark.parametrize("threshold", [-0.01, 1.01])
def test_a_threshold_outside_zero_to_one_is_rejected(threshold: float) -> None:
    fails(
        CorrelationFilter(threshold=threshold),
        f"CorrelationFilter: threshold: expected a number in [0, 1], found {threshold!r}",
    )


@pytest.mark.parametrize(("threshold", "kept"), [(0.0, ["a"]), (1.0, ["a", "b"])])
def test_a_threshold_of_zero_or_one_is_accepted(threshold: float, kept: list[str]) -> None:
    """0 drops every column that correlates at all; 1 drops none (|r| cannot exceed 1)."""
    frame = NUMBERS.assign(b=2 * NUMBERS["a"])
    assert CorrelationFilter(threshold=threshold).fit(frame).kept_features_.tolist() == kept


def test_a_subclass_declares_its_checks_and_fit_applies_them_in_order() -> None:
    class Multiplier(Transformer):
        """A transformer the way a new one is written: its checks declared, in order."""

        _parameter_checks = parameter_checks(factor=IntegerAtLeast(2), unit=OneOf(("cm", "inch")))

        def __init__(self, factor: int = 2, unit: str = "cm") -> None:
            self.factor = factor
            self.unit = unit

        def _transform(self, data: Any) -> Any:
            return data * self.factor

    fails(
        Multiplier(factor=1, unit="mile"), "Multiplier: factor: expected an integer >= 2, found 1"
    )
    fails(
        Multiplier(factor=3, unit="mile"),
        "Multiplier: unit: expected one of ['cm', 'inch'], found 'mile'",
    )
    assert Multiplier(factor=3).fit_transform([[1.0, 2.0]]).tolist() == [[3.0, 6.0]]
    with pytest.raises(TypeError):
        Multiplier._parameter_checks["factor"] = IntegerAtLeast(0)  # type: ignore[index]


# ----------------------------------------------------------------- input validation


def test_a_text_column_is_named_with_what_to_do() -> None:
    frame = NUMBERS.assign(island=pd.Series(["a", "b", "a", "b"], dtype=object))
    fails(
        ColumnScaler(),
        "ColumnScaler: column 'island' has dtype object; expected numbers "
        "(one-hot encode categorical columns with CategoryEncoder first)",
        frame,
    )


def test_inf_is_named_by_column_and_row_with_what_is_accepted() -> None:
    frame = NUMBERS.assign(b=[3.0, 1.0, np.inf, 5.0])
    fails(
        ColumnScaler(),
        "ColumnScaler: column 'b' contains inf at row 2; expected finite numbers or NaN",
        frame,
    )
    fails(
        NonLinearExpander(),
        "NonLinearExpander: column 'b' contains inf at row 2; expected finite numbers",
        frame,
    )


def test_nan_where_it_is_not_accepted_says_to_impute() -> None:
    fails(
        NonLinearExpander(),
        "NonLinearExpander: column 'a' contains NaN at row 1; expected no missing values "
        "(impute them first: features.imputation in params.yaml)",
        NUMBERS.assign(a=[1.0, np.nan, 4.0, 8.0]),
    )


@pytest.mark.parametrize("name", transformers.__all__)
def test_integer_columns_come_out_as_floats(name: str) -> None:
    output = getattr(transformers, name)().fit_transform(NUMBERS.astype(int))
    assert output.dtype == np.float64


@pytest.mark.parametrize("name", transformers.__all__)
def test_the_tags_say_which_input_fit_accepts(name: str) -> None:
    """What scikit-learn reads from the tags agrees with what ``fit`` does."""

    def accepts(frame: pd.DataFrame) -> bool:
        try:
            getattr(transformers, name)().fit(frame)
        except InputError:
            return False
        return True

    tags = getattr(transformers, name)().__sklearn_tags__().input_tags
    assert tags.allow_nan == accepts(NUMBERS.assign(a=[1.0, np.nan, 4.0, 8.0]))
    assert tags.categorical == accepts(
        pd.DataFrame({"island": ["Dream", "Biscoe", "Dream", "Torgersen"]}, dtype=object)
    )


# -------------------------------------------------------------------- feature names


def test_names_given_to_an_unnamed_fit_are_used_if_they_are_as_many() -> None:
    scaler = ColumnScaler().fit(NUMBERS.to_numpy())
    assert scaler.get_feature_names_out().tolist() == ["x0", "x1"]
    assert scaler.get_feature_names_out(["height", "age"]).tolist() == ["height", "age"]
    with pytest.raises(
        ValueError,
        match=r"^ColumnScaler: input_features should have length equal to number of "
        r"features \(2\), got 1$",
    ):
        scaler.get_feature_names_out(["height"])


def test_names_given_after_a_named_fit_must_be_the_fitted_ones() -> None:
    scaler = ColumnScaler().fit(NUMBERS)
    assert scaler.get_feature_names_out(["a", "b"]).tolist() == ["a", "b"]
    with pytest.raises(
        ValueError,
        match=r"^ColumnScaler: input_features is not equal to feature_names_in_: "
        r"expected \['a', 'b'\], found \['a', 'c'\]$",
    ):
        scaler.get_feature_names_out(["a", "c"])


@pytest.mark.parametrize("name", transformers.__all__)
def test_names_out_are_an_object_array_as_scikit_learn_s_are(name: str) -> None:
    """Like ``StandardScaler``'s, so ``ColumnTransformer`` and pandas output treat them
    alike (a fixed-width ``<U`` array would truncate a longer name written into it)."""
    expected = StandardScaler().fit(NUMBERS).get_feature_names_out().dtype
    assert getattr(transformers, name)().fit(NUMBERS).get_feature_names_out().dtype == expected
