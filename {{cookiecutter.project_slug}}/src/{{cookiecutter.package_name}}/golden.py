"""``{{ cookiecutter.package_name }} golden-update`` (``make golden-update``): rewrite the goldens.

The golden-accuracy tests (``tests/golden/``) train the model as ``dvc repro`` does,
in memory (:mod:`{{ cookiecutter.package_name }}.pipeline`), and hold it to the
committed goldens:

- ``metrics.json``: per metric ``{value, tolerance, direction}``, overall and per slice
  value (``rmse[sex=2]``); a metric may improve freely, but not fall more than
  ``tolerance`` on the wrong side of ``value``. A slice starts with a wider tolerance
  than the whole (its metric's, times sqrt(test rows / slice rows)), yet a change that
  harms one slice beyond it fails even when the overall metric holds;
- ``inputs.csv`` + ``predictions.json``: a few fixed rows and what the model gave each:
  every class's probability, or the predicted number; none may move more than the
  file's tolerance (a probability, or a share of the target's plausible range).

When a change is meant to move them (a new feature, a new model), ``golden-update``
rewrites them, keeping the committed tolerances (a new metric starts from its row in
``models/metrics.py``), and prints old against new for the reviewer of the merge
request. CI never runs it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.contract import Contract
from {{ cookiecutter.package_name }}.data.files import write_csv
from {{ cookiecutter.package_name }}.io import write_text
from {{ cookiecutter.package_name }}.models.evaluate import Measured, class_probabilities, decide
from {{ cookiecutter.package_name }}.pipeline import Trained
from {{ cookiecutter.package_name }}.pipeline import run as run_pipeline

GOLDEN_DIR = Path("tests/golden")
PROBABILITY_TOLERANCE = 0.001  # a class probability may move this much
RANGE_SHARE = 0.001  # a regression prediction may move this share of the target's range
GOLDEN_ROWS = 20


def golden_values(pipeline: Any, inputs: pd.DataFrame, contract: Contract) -> list[Any]:
    """What the goldens hold per row: each class's probability (contract order), or the number."""
    features = inputs[contract.feature_columns]
    if contract.target.task == "regression":
        return [float(value) for value in decide(pipeline, features, contract, 0.5)[0]]
    probabilities = class_probabilities(pipeline, features, contract)
    return [[float(value) for value in row] for row in probabilities.to_numpy()]


def _spread_key(pipeline: Any, test: pd.DataFrame, contract: Contract) -> np.ndarray[Any, Any]:
    """A number per row to spread the golden rows over: P(positive), the predicted
    value, or for multiclass the predicted class's index plus its probability."""
    features = test[contract.feature_columns]
    if contract.target.task == "regression":
        return decide(pipeline, features, contract, 0.5)[0].to_numpy()
    probabilities = class_probabilities(pipeline, features, contract)
    if contract.target.task == "binary":
        return probabilities[contract.target.positive].to_numpy()
    values = probabilities.to_numpy()
    key: np.ndarray[Any, Any] = values.argmax(axis=1) + values.max(axis=1)
    return key


def golden_inputs(reference: Trained) -> pd.DataFrame:
    """``GOLDEN_ROWS`` test rows spread evenly over the model's output.

    Rows near a decision boundary move first when the model changes, confident rows
    show gross breakage; an even spread watches both (and, for multiclass, each class).
    """
    test = reference.test
    order = np.argsort(_spread_key(reference.pipeline, test, reference.contract), kind="stable")
    picks = np.unique(np.linspace(0, len(order) - 1, num=min(GOLDEN_ROWS, len(order))).round())
    chosen: pd.DataFrame = test.iloc[order[picks.astype(int)]].reset_index(drop=True)
    return chosen


def prediction_tolerance(contract: Contract) -> float:
    target = contract.target
    if target.minimum is not None and target.maximum is not None:  # regression
        return round(RANGE_SHARE * (target.maximum - target.minimum), 6)
    return PROBABILITY_TOLERANCE


def _old(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def starting_tolerance(item: Measured, rows: int) -> float:
    """The metric's starting tolerance; a slice's grows as its rows shrink (noise ~ 1/sqrt(n))."""
    tolerance = item.metric.starting_tolerance(item.value)
    if item.slice is not None:
        tolerance = round(tolerance * math.sqrt(rows / item.rows), 6)
    return tolerance


def _flat(values: list[Any]) -> list[float]:
    return [float(x) for value in values for x in (value if isinstance(value, list) else [value])]


def update(params: Params, root: Path, golden_dir: Path) -> str:
    """Rewrite the goldens from a fresh reference model; return an old-versus-new report."""
    reference = run_pipeline(params, root)
    contract = reference.contract
    old_metrics = _old(golden_dir / "metrics.json")
    old_predictions = _old(golden_dir / "predictions.json")
    rows = len(reference.test)
    new_metrics = {
        item.name: {
            "value": round(item.value, 6),
            "tolerance": old_metrics.get(item.name, {}).get(
                "tolerance", starting_tolerance(item, rows)
            ),
            "direction": item.metric.direction,
        }
        for item in reference.measured
    }
    inputs = golden_inputs(reference)
    values = golden_values(reference.pipeline, inputs, contract)
    rounded = [
        [round(x, 6) for x in value] if isinstance(value, list) else round(value, 6)
        for value in values
    ]
    new_predictions: dict[str, Any] = {
        "tolerance": old_predictions.get("tolerance", prediction_tolerance(contract)),
        "task": contract.target.task,
    }
    if contract.target.task == "regression":
        new_predictions["predictions"] = rounded
    else:
        new_predictions["classes"] = list(contract.target.classes)
        new_predictions["probabilities"] = rounded
    width = max([len("metric"), *(len(name) for name in new_metrics)]) + 2
    lines = [f"{'metric':<{width}}{'old':>12}{'new':>12}{'change':>12}  (tolerance, better)"]
    for name, entry in new_metrics.items():
        before = old_metrics.get(name, {}).get("value")
        change = "new" if before is None else f"{entry['value'] - before:+.6f}"
        shown = "-" if before is None else f"{before:.6f}"
        lines.append(
            f"{name:<{width}}{shown:>12}{entry['value']:>12.6f}{change:>12}  "
            f"({entry['tolerance']}, {entry['direction']})"
        )
    gone = sorted(set(old_metrics) - set(new_metrics))
    if gone:
        lines.append(f"no longer reported: {gone}")
    key = "predictions" if contract.target.task == "regression" else "probabilities"
    before_values = _flat(old_predictions.get(key, []))
    now = _flat(values)
    if len(before_values) == len(now) and old_predictions.get("task") == contract.target.task:
        moved = max(
            (abs(new - old) for new, old in zip(now, before_values, strict=True)), default=0.0
        )
        lines.append(f"predictions: {len(values)} rows; largest move {moved:.6f}")
    else:
        lines.append(f"predictions: {len(values)} rows written (none to compare before)")
    write_text(json.dumps(new_metrics, indent=2) + "\n", golden_dir / "metrics.json")
    write_csv(inputs, golden_dir / "inputs.csv")
    write_text(json.dumps(new_predictions, indent=2) + "\n", golden_dir / "predictions.json")
    lines.append(
        f"wrote {golden_dir}/metrics.json, inputs.csv, predictions.json; review and commit"
    )
    return "\n".join(lines)
