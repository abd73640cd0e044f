"""NonLinearExpander: basis features are what their names say, and stay bounded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.features.transformers import NonLinearExpander

from tests.property.strategies import moderate_floats, numeric_frames

frames = numeric_frames(min_rows=2, elements=moderate_floats)


@given(frame=frames, n_knots=st.integers(2, 5), degree=st.integers(1, 3), data=st.data())
def test_spline_basis_is_bounded_and_constant_beyond_the_training_range(
    frame: pd.DataFrame, n_knots: int, degree: int, data: st.DataObject
) -> None:
    expander = NonLinearExpander(method="spline", n_knots=n_knots, degree=degree)
    output = expander.set_output(transform="pandas").fit_transform(frame)
    per_column = n_knots + degree - 2  # B-splines of the knots, minus the one left out
    assert output.shape == (len(frame), frame.shape[1] * per_column)
    assert list(output.columns) == [
        f"{name}_spline{i}" for name in frame.columns for i in range(per_column)
    ]
    values = output.to_numpy()
    assert (values >= -1e-12).all(), "B-splines are never negative"
    assert (values <= 1 + 1e-12).all(), "B-splines never exceed 1"
    for name in frame.columns:
        block = output[[f"{name}_spline{i}" for i in range(per_column)]].sum(axis=1)
        assert (block <= 1 + 1e-9).all(), f"{name}: the basis without its last part sums <= 1"

    beyond = frame.max() + data.draw(st.floats(1, 1e3), label="distance beyond the range")
    at_edge = expander.transform(frame.max().to_frame().T)
    np.testing.assert_allclose(
        expander.transform(beyond.to_frame().T).to_numpy(),
        at_edge.to_numpy(),
        atol=1e-9,
        err_msg="beyond the training range the basis must stay at its edge value",
    )


@given(frame=frames)
def test_polynomial_features_are_the_named_products(frame: pd.DataFrame) -> None:
    expander = NonLinearExpander(method="polynomial", degree=2)
    output = expander.set_output(transform="pandas").fit_transform(frame)
    for name in frame.columns:
        np.testing.assert_array_equal(output[name], frame[name], err_msg=f"{name} must pass")
        np.testing.assert_allclose(output[f"{name}^2"], frame[name] ** 2, err_msg=f"{name}^2")
    if frame.shape[1] >= 2:
        first, second = frame.columns[:2]
        np.testing.assert_allclose(
            output[f"{first}*{second}"], frame[first] * frame[second], err_msg="product column"
        )
    n = frame.shape[1]
    assert output.shape[1] == n + n * (n + 1) // 2, "degree 2: columns, squares, products"


def test_missing_values_are_a_clear_error_naming_the_column() -> None:
    frame = pd.DataFrame({"complete": [1.0, 2.0, 3.0], "gappy": [1.0, np.nan, 3.0]})
    with pytest.raises(InputError, match=r"NonLinearExpander: column 'gappy' contains NaN"):
        NonLinearExpander().fit(frame)
