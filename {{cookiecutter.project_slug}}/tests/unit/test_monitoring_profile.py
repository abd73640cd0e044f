"""The reference profile: what drift checks will compare new batches against."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data.contract import Contract, load_contract
from {{ cookiecutter.package_name }}.monitoring.profile import bin_edges, bin_shares, profile

from tests.unit.mini_dataset import CONTRACT, mini_frame

REGRESSION = """\
name: amounts
description: a number target
target: {dtype: float, min: 0, max: 1000}
columns:
  when: {dtype: datetime}
  note: {dtype: text, nullable: true}
  size: {dtype: float}
"""


def contract(tmp_path: Path, text: str = CONTRACT, target: str = "label") -> Contract:
    path = tmp_path / "contract.yaml"
    path.write_text(text, encoding="utf-8")
    return load_contract(path, target)


def test_a_number_gets_ten_quantile_bins_of_a_tenth_each() -> None:
    values = np.arange(1.0, 101.0)
    edges = bin_edges(values)
    assert len(edges) == 11
    assert edges[0] == 1.0
    assert edges[-1] == 100.0
    assert bin_shares(values, edges) == pytest.approx([0.1] * 10)


def test_bins_are_open_at_both_ends() -> None:
    """A later value outside the training range still counts: in the outer bins."""
    edges = bin_edges(np.arange(1.0, 101.0))
    shares = bin_shares(np.array([-1e9, 0.0, 50.0, 1e9]), edges)
    assert shares[0] == 0.5
    assert shares[-1] == 0.25
    assert sum(shares) == 1.0


def test_a_value_on_an_inner_edge_counts_in_the_bin_above() -> None:
    edges = [0.0, 1.0, 2.0]
    assert bin_shares(np.array([1.0]), edges) == [0.0, 1.0]


def test_repeated_edges_merge_and_a_constant_is_one_bin() -> None:
    skewed = np.array([0.0] * 80 + list(range(1, 21)), dtype=float)
    edges = bin_edges(skewed)
    assert edges == sorted(set(edges))
    assert edges[0] == 0.0
    assert sum(bin_shares(skewed, edges)) == pytest.approx(1.0)
    assert bin_edges(np.full(5, 3.0)) == [3.0]
    assert bin_shares(np.full(5, 3.0), [3.0]) == [1.0]


def test_each_feature_is_profiled_by_its_kind(tmp_path: Path) -> None:
    frame = mini_frame()
    mini = contract(tmp_path)
    predictions = pd.Series(["yes"] * 45 + ["no"] * 15)
    found = profile(frame, mini, predictions)
    assert found["rows"] == 60
    assert list(found["features"]) == ["age", "height", "colour", "member"]  # not the id
    height = found["features"]["height"]
    assert height["kind"] == "number"
    assert height["missing_rate"] == pytest.approx(7 / 60)
    present = frame["height"].dropna()
    assert height["min"] == present.min()
    assert height["max"] == present.max()
    assert height["mean"] == pytest.approx(present.mean())
    assert height["std"] == pytest.approx(present.std(ddof=0))
    assert len(height["shares"]) == len(height["edges"]) - 1 == 10
    colour = found["features"]["colour"]
    counts = frame["colour"].value_counts(normalize=True)
    assert colour == {
        "kind": "category",
        "missing_rate": 0.0,
        "frequencies": {name: pytest.approx(counts[name]) for name in sorted(counts.index)},
    }
    member = found["features"]["member"]["frequencies"]
    assert set(member) == {"False", "True"}
    shares = {"no": 0.25, "yes": 0.75}
    assert found["predictions"] == {"kind": "classes", "shares": shares}


def test_a_class_never_predicted_has_a_share_of_zero(tmp_path: Path) -> None:
    found = profile(mini_frame(), contract(tmp_path), pd.Series(["no"] * 60))
    assert found["predictions"]["shares"] == {"no": 1.0, "yes": 0.0}


def test_regression_and_dates(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2024-01-01", "2024-01-02", None, "2024-01-04"]),
            "note": ["a", None, "b", "c"],
            "size": [1.0, 2.0, 3.0, 4.0],
        }
    )
    amounts = contract(tmp_path, REGRESSION, "amount")
    found = profile(frame, amounts, pd.Series([10.0, 20.0, 30.0, 40.0]))
    when = found["features"]["when"]
    assert when["kind"] == "datetime"
    assert when["missing_rate"] == 0.25
    assert when["min"] == pd.Timestamp("2024-01-01").timestamp()
    assert list(found["features"]) == ["when", "size"]  # text is never a feature
    predictions = found["predictions"]
    assert predictions["kind"] == "number"
    assert predictions["min"] == 10.0
    assert predictions["max"] == 40.0
    assert sum(predictions["shares"]) == pytest.approx(1.0)


def test_an_all_missing_column_has_no_bins(tmp_path: Path) -> None:
    frame = mini_frame()
    frame["height"] = np.nan
    height = profile(frame, contract(tmp_path), frame["label"])["features"]["height"]
    assert height["missing_rate"] == 1.0
    assert height["edges"] == []
    assert height["shares"] == []
    assert height["mean"] is None


def test_the_profile_is_json_and_the_same_whatever_the_row_order(tmp_path: Path) -> None:
    frame, mini = mini_frame(rows=500, seed=3), contract(tmp_path)
    shuffled = frame.sample(frac=1.0, random_state=7)
    first = profile(frame, mini, frame["label"])
    again = profile(shuffled, mini, shuffled["label"])
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert json.loads(json.dumps(first)) == first
    assert len(json.dumps(first)) < 10_000  # small: kept with every version
