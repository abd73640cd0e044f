"""Golden-accuracy regression tests: a change that makes the model worse fails here.

The model is retrained exactly as the pipeline trains it, in memory (``pipeline.py``),
without ``dvc pull``, and compared with the committed goldens in this folder. After an
intended change, run ``make golden-update`` and commit the reviewed new goldens.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from {{ cookiecutter.package_name }}.config import load_params
from {{ cookiecutter.package_name }}.data.contract import read_dataset
from {{ cookiecutter.package_name }}.golden import golden_values
from {{ cookiecutter.package_name }}.pipeline import run

from tests.conftest import PROJECT_ROOT
from tests.golden.reference import reference

GOLDEN_DIR = Path(__file__).parent
# Ends every failure that a deliberate change could explain.
IF_INTENDED = (
    "\nIf this change was intended (a new feature, model or dataset): run "
    "`make golden-update`, review the old-against-new diff it prints, and commit "
    "tests/golden/ with the reason in the commit message. If not, the change made "
    "the model worse: find it before merging."
)


def _golden(name: str) -> Any:
    return json.loads((GOLDEN_DIR / name).read_text(encoding="utf-8"))


METRICS = _golden("metrics.json")
PREDICTIONS = _golden("predictions.json")


def metric_regressions(found: Mapping[str, float], goldens: Mapping[str, Any]) -> list[str]:
    """One message per metric that is worse than its golden by more than its tolerance.

    Direction-aware: for a "higher" metric only a value below ``value - tolerance``
    fails, for a "lower" one only a value above ``value + tolerance``; improving never
    fails (refresh the golden with ``make golden-update`` to lock an improvement in).
    """
    messages = []
    for name, golden in goldens.items():
        value, tolerance, direction = golden["value"], golden["tolerance"], golden["direction"]
        if name not in found:
            messages.append(f"{name}: golden {value} but the evaluation no longer reports it")
            continue
        limit = value - tolerance if direction == "higher" else value + tolerance
        worse = found[name] < limit if direction == "higher" else found[name] > limit
        if worse:
            messages.append(
                f"{name}: golden {value}, found {found[name]:.6f}, tolerance {tolerance} "
                f"({direction} is better; worst accepted {limit:.6f})"
            )
    return messages


def prediction_moves(found: Sequence[Any], golden: Sequence[Any], tolerance: float) -> list[str]:
    """One message per golden row whose prediction moved more than ``tolerance``.

    A row's prediction is a number (regression) or a list of class probabilities, each of
    which may move up to ``tolerance``.
    """
    if len(found) != len(golden):
        return [f"expected {len(golden)} golden predictions, found {len(found)}"]
    moves = []
    for row, (new, old) in enumerate(zip(found, golden, strict=True)):
        new_values, old_values = np.atleast_1d(new), np.atleast_1d(old)
        if new_values.shape != old_values.shape:
            moves.append(f"row {row}: golden {old}, found {new}")
            continue
        moved = float(np.max(np.abs(new_values - old_values)))
        if moved > tolerance:
            moves.append(f"row {row}: golden {old}, found {new}, moved {moved:.6f} > {tolerance}")
    return moves


@pytest.mark.parametrize("name", sorted(METRICS))
def test_metric_is_no_worse_than_its_golden(name: str) -> None:
    problems = metric_regressions(reference().metrics, {name: METRICS[name]})
    assert not problems, "; ".join(problems) + IF_INTENDED


def test_every_reported_metric_has_a_golden() -> None:
    """A new metric (or slice) needs a golden (make golden-update), or nothing guards it."""
    found, golden = set(reference().metrics), set(METRICS)
    assert found == golden, (
        f"metrics reported but without a golden: {sorted(found - golden)}; goldens no "
        f"longer reported: {sorted(golden - found)}; expected the same names" + IF_INTENDED
    )


@pytest.mark.parametrize("name", sorted(METRICS))
def test_golden_direction_is_the_metrics(name: str) -> None:
    """metrics.json judges each metric the way models/metrics.py says is better."""
    directions = {item.name: item.metric.direction for item in reference().measured}
    expected = directions.get(name, "a metric the evaluation reports")
    assert METRICS[name]["direction"] == expected, (
        f"{name}: tests/golden/metrics.json says {METRICS[name]['direction']} is better, "
        f"models/metrics.py says {expected}" + IF_INTENDED
    )


def test_golden_predictions_have_not_moved() -> None:
    model = reference()
    inputs = read_dataset(GOLDEN_DIR / "inputs.csv", model.contract)
    found = golden_values(model.pipeline, inputs, model.contract)
    key = "predictions" if model.contract.target.task == "regression" else "probabilities"
    assert PREDICTIONS.get("task") == model.contract.target.task, (
        f"tests/golden/predictions.json holds a {PREDICTIONS.get('task')} model's outputs, "
        f"the contract's target is {model.contract.target.task}" + IF_INTENDED
    )
    if key == "probabilities":
        assert PREDICTIONS["classes"] == list(model.contract.target.classes), (
            f"golden probability columns are for classes {PREDICTIONS['classes']}, the "
            f"contract lists {list(model.contract.target.classes)}" + IF_INTENDED
        )
    problems = prediction_moves(found, PREDICTIONS[key], PREDICTIONS["tolerance"])
    assert not problems, (
        f"{len(problems)} golden prediction(s) moved: " + "; ".join(problems[:5]) + IF_INTENDED
    )


def test_training_from_scratch_is_repeatable() -> None:
    """Ingest, split and fit again: the same seed must give the same model, bit for bit."""
    first = reference()
    again = run(load_params(PROJECT_ROOT / "params.yaml"), PROJECT_ROOT)
    assert again.test.index.equals(first.test.index), "the train/test split is not seeded"
    np.testing.assert_array_equal(
        golden_values(again.pipeline, first.test, first.contract),
        golden_values(first.pipeline, first.test, first.contract),
    )


def test_the_model_uses_every_feature_of_the_contract() -> None:
    """Each contract feature reaches a transformer: none falls into the dropped remainder."""
    model = reference()
    assert list(model.pipeline.feature_names_in_) == model.contract.feature_columns
    preprocessor = model.pipeline.named_steps["features"]
    used = {
        column
        for name, _, columns in preprocessor.transformers_
        if name != "remainder"
        for column in columns
    }
    unused = [column for column in model.contract.feature_columns if column not in used]
    assert not unused, f"contract features never transformed (silently dropped): {unused}"


@pytest.mark.parametrize(
    ("direction", "found", "fails"),
    [
        ("higher", 0.90, False),  # exactly golden
        ("higher", 0.99, False),  # better
        ("higher", 0.885, False),  # worse, within tolerance
        ("higher", 0.87, True),  # worse beyond tolerance
        ("lower", 0.05, False),  # better (an error went down)
        ("lower", 0.915, False),  # worse, within tolerance
        ("lower", 0.93, True),  # worse beyond tolerance
    ],
)
def test_golden_comparison_is_direction_aware(direction: str, found: float, fails: bool) -> None:
    golden = {"metric": {"value": 0.90, "tolerance": 0.02, "direction": direction}}
    problems = metric_regressions({"metric": found}, golden)
    assert bool(problems) is fails
    if fails:
        assert problems[0].startswith(f"metric: golden 0.9, found {found:.6f}, tolerance 0.02")


def test_a_slice_harmed_beyond_its_tolerance_fails_while_the_whole_holds() -> None:
    """Slices are held one by one: a model much worse for one region fails the gate even
    though the average over all rows stays within its tolerance."""
    goldens = {
        "rmse": {"value": 10.0, "tolerance": 0.5, "direction": "lower"},
        "rmse[region=north]": {"value": 9.0, "tolerance": 0.7, "direction": "lower"},
        "rmse[region=south]": {"value": 11.0, "tolerance": 0.7, "direction": "lower"},
    }
    found = {"rmse": 10.4, "rmse[region=north]": 8.5, "rmse[region=south]": 12.0}
    assert metric_regressions(found, goldens) == [
        "rmse[region=south]: golden 11.0, found 12.000000, tolerance 0.7 "
        "(lower is better; worst accepted 11.700000)"
    ]


@pytest.mark.xfail(strict=True, reason="proves the gate can fail: a golden no model reaches")
def test_an_impossible_golden_fails_the_gate() -> None:
    first = reference().measured[0]
    better = 1.0 if first.metric.direction == "higher" else -1.0
    impossible = {
        first.name: {
            "value": first.value + better,
            "tolerance": 0.0,
            "direction": first.metric.direction,
        }
    }
    assert not metric_regressions(reference().metrics, impossible)
