"""The edges `make mutation` found unguarded: a contract's min and max are inclusive, and a
probability exactly at evaluate.threshold is a positive prediction.

Each test pins one side of one comparison, so turning ``>=`` into ``>`` (or ``<=`` into
``<``) in the contract or in ``score`` fails a test rather than surviving.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    ContractViolationError,
    load_contract,
    read_dataset,
)
from {{ cookiecutter.package_name }}.models.evaluate import score

from tests.unit.mini_dataset import CONTRACT, mini_frame


def _contract(tmp_path: Path, text: str = CONTRACT) -> Contract:
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    return load_contract(path, "label")


def _read(tmp_path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return read_dataset(path, _contract(tmp_path))


@pytest.mark.parametrize(
    ("column", "edge"), [("age", 0), ("age", 120), ("height", 0.5), ("height", 2.5)]
)
def test_a_value_at_min_or_max_is_inside_the_contract(
    tmp_path: Path, column: str, edge: float
) -> None:
    frame = mini_frame()
    frame.loc[3, column] = edge
    data = _read(tmp_path, frame)
    assert edge in data[column].to_numpy()


@pytest.mark.parametrize(
    ("column", "outside", "rule"),
    [
        ("age", -1, "greater_than_or_equal_to(0.0)"),
        ("age", 121, "less_than_or_equal_to(120.0)"),
        ("height", 0.499, "greater_than_or_equal_to(0.5)"),
        ("height", 2.501, "less_than_or_equal_to(2.5)"),
    ],
)
def test_a_value_just_outside_min_or_max_is_refused(
    tmp_path: Path, column: str, outside: float, rule: str
) -> None:
    frame = mini_frame()
    frame.loc[3, column] = outside
    with pytest.raises(ContractViolationError) as error:
        _read(tmp_path, frame)
    assert f"column '{column}' breaks rule {rule} in 1 row(s) (line 5: {outside})" in str(
        error.value
    )


def test_min_equal_to_max_is_a_valid_range(tmp_path: Path) -> None:
    contract = _contract(tmp_path, CONTRACT.replace("min: 0, max: 120", "min: 7, max: 7"))
    rule = next(column for column in contract.columns if column.name == "age")
    assert (rule.minimum, rule.maximum) == (7, 7)


class FixedModel:
    """A fitted classifier stand-in whose P("yes") for each row is given."""

    classes_ = np.array(["no", "yes"])

    def __init__(self, probability: list[float]) -> None:
        self.probability = np.asarray(probability)

    def predict_proba(self, features: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
        return np.column_stack([1 - self.probability, self.probability])


def test_a_probability_at_the_threshold_is_a_positive_prediction(tmp_path: Path) -> None:
    contract = _contract(tmp_path)
    frame = mini_frame().head(3)
    threshold = 0.5
    below = np.nextafter(threshold, 0.0)
    above = np.nextafter(threshold, 1.0)
    scores = score(FixedModel([below, threshold, above]), frame, contract, threshold)
    assert scores.predicted.tolist() == ["no", "yes", "yes"]
