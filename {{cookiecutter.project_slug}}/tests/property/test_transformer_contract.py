"""Properties every feature transformer shares, checked on data hypothesis invents.

Each case pairs a transformer with the kind of table it treats. Whatever the table:
pandas in gives pandas out with the input's index and the advertised column names;
``fit(X).transform(X)`` equals ``fit_transform(X)``; refitting gives the same result;
shuffling the rows before fitting and transforming only shuffles the output; no inf
appears and no NaN appears where the input had none; an empty table is a clear error
naming the transformer; a single row has a defined result.

Several properties share one test so each example pays for one draw and two fits:
the whole suite must stay fast on the dev profile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.features import transformers
from {{ cookiecutter.package_name }}.features.transformers import (
    CategoryEncoder,
    ColumnScaler,
    CorrelationFilter,
    Imputer,
    NonLinearExpander,
    QuantileClipper,
)

from tests.property.strategies import (
    categorical_frames,
    correlated_frames,
    moderate_floats,
    numeric_frames,
)


@dataclass(frozen=True)
class Case:
    make: Callable[[], Any]
    frames: st.SearchStrategy[pd.DataFrame]
    min_rows: int = 1  # fewer training rows must raise a clear error

    def fresh(self) -> Any:
        return self.make().set_output(transform="pandas")


numeric_with_gaps = numeric_frames(elements=moderate_floats, allow_nan=True)
complete_numeric = numeric_frames(elements=moderate_floats)

# Method variants share their validation and plumbing; the class's own module checks
# each variant's arithmetic.
CASES = {
    "QuantileClipper": Case(lambda: QuantileClipper(0.1, 0.9), numeric_with_gaps),
    "ColumnScaler": Case(lambda: ColumnScaler(method="standard"), numeric_with_gaps),
    "CorrelationFilter": Case(lambda: CorrelationFilter(threshold=0.9), correlated_frames()),
    "NonLinearExpander-spline": Case(
        lambda: NonLinearExpander(method="spline", n_knots=3, degree=2), complete_numeric, 2
    ),
    "NonLinearExpander-polynomial": Case(
        lambda: NonLinearExpander(method="polynomial", degree=2), complete_numeric
    ),
    "Imputer": Case(lambda: Imputer(strategy="mean"), numeric_with_gaps),
    "CategoryEncoder": Case(lambda: CategoryEncoder(max_categories=3), categorical_frames()),
}
# A transformer of __all__ without a case above gets one: its default parameters, on
# numeric tables (with gaps if it accepts NaN). So every listed transformer is held to
# these properties, a new one included.
for name in transformers.__all__:
    if not any(key.split("-")[0] == name for key in CASES):
        transformer = getattr(transformers, name)
        frames = numeric_with_gaps if transformer.allow_nan else complete_numeric
        CASES[name] = Case(transformer, frames)
cases = pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())


def assert_same_frame(actual: pd.DataFrame, expected: pd.DataFrame, what: str) -> None:
    assert list(actual.columns) == list(expected.columns), f"{what}: column names differ"
    assert actual.index.equals(expected.index), f"{what}: index differs"
    np.testing.assert_allclose(
        actual.to_numpy(dtype=float),
        expected.to_numpy(dtype=float),
        rtol=1e-9,
        atol=1e-9,
        equal_nan=True,
        err_msg=what,
    )


def enough_rows(case: Case) -> st.SearchStrategy[pd.DataFrame]:
    return case.frames.filter(lambda frame: len(frame) >= case.min_rows)


@cases
@given(data=st.data())
def test_output_contract(case: Case, data: st.DataObject) -> None:
    """Names, index, no inf or new NaN; transform(X) after fit equals fit_transform(X);
    fitting and transforming shuffled rows, then un-shuffling, gives the same table.

    The last shows that the learned state depends only on the data (a second fit
    agrees) and that each output row depends only on its own input row.
    """
    frame = data.draw(enough_rows(case), label="frame")
    order = data.draw(st.permutations(range(len(frame))), label="row order")
    transformer = case.fresh()
    output = transformer.fit_transform(frame)

    assert isinstance(output, pd.DataFrame), f"expected a DataFrame, got {type(output)}"
    assert output.index.equals(frame.index), "pandas output must keep the input's index"
    assert list(output.columns) == list(transformer.get_feature_names_out()), (
        "output columns must be get_feature_names_out()"
    )
    assert output.columns.is_unique, f"duplicate output names: {list(output.columns)}"
    values = output.to_numpy(dtype=float)
    assert not np.isinf(values).any(), "the transformer introduced inf"
    if not frame.isna().to_numpy().any():
        assert not np.isnan(values).any(), "the transformer introduced NaN into complete data"

    assert_same_frame(transformer.transform(frame), output, "fit_transform(X) vs transform(X)")
    from_shuffled = case.fresh().fit_transform(frame.iloc[list(order)]).loc[frame.index]
    assert_same_frame(from_shuffled, output, "fit and transform on shuffled rows, un-shuffled")


@cases
@settings(max_examples=5)  # fewer, not more: the outcome depends on the shape, not the values
@given(data=st.data())
def test_empty_and_single_row_tables(case: Case, data: st.DataObject) -> None:
    """No rows: a ValueError naming the transformer. One row: a result, or a clear error."""
    frame = data.draw(case.frames, label="frame")
    name = type(case.make()).__name__
    with pytest.raises(ValueError, match=rf"0 sample\(s\).*{name}"):
        case.fresh().fit(frame.iloc[:0])

    row = frame.iloc[:1]
    if case.min_rows > 1:
        with pytest.raises(ValueError, match=rf"{name}: .*1 sample"):
            case.fresh().fit(row)
        return
    output = case.fresh().fit_transform(row)
    assert len(output) == 1, f"one row in, {len(output)} out"
    assert not np.isinf(output.to_numpy(dtype=float)).any()
