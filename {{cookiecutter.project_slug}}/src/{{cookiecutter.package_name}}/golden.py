"""``{{ cookiecutter.package_name }} golden-update`` (``make golden-update``): rewrite the goldens.

The golden-accuracy tests (``tests/golden/``) train the model as ``dvc repro`` does,
in memory (:mod:`{{ cookiecutter.package_name }}.pipeline`), and hold it to the
committed goldens:

- ``metrics.json``: per metric ``{value, tolerance, direction}``; a metric may improve
  freely, but not fall more than ``tolerance`` on the wrong side of ``value``;
- ``inputs.csv`` + ``predictions.json``: a few fixed rows and the probability the
  model gave each; a probability may not move more than the file's tolerance.

When a change is meant to move them (a new feature, a new model), ``golden-update``
rewrites them, keeping the committed tolerances (a new metric starts from its row in
``models/metrics.py``), and prints old against new for the reviewer of the merge
request. CI never runs it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.contract import Contract
from {{ cookiecutter.package_name }}.data.files import write_csv
from {{ cookiecutter.package_name }}.io import write_text
from {{ cookiecutter.package_name }}.models.evaluate import positive_probability
from {{ cookiecutter.package_name }}.models.metrics import BY_NAME
from {{ cookiecutter.package_name }}.pipeline import Trained
from {{ cookiecutter.package_name }}.pipeline import run as run_pipeline

GOLDEN_DIR = Path("tests/golden")
PREDICTION_TOLERANCE = 0.001
GOLDEN_ROWS = 20


def golden_inputs(reference: Trained) -> pd.DataFrame:
    """``GOLDEN_ROWS`` test rows spread evenly over the predicted probability.

    Rows near the decision boundary move first when the model changes, confident rows
    show gross breakage; an even spread watches both.
    """
    test = reference.test
    probability = positive_probability(
        reference.pipeline, test[reference.contract.feature_columns], reference.contract
    )
    order = np.argsort(probability, kind="stable")
    picks = np.unique(np.linspace(0, len(order) - 1, num=min(GOLDEN_ROWS, len(order))).round())
    chosen: pd.DataFrame = test.iloc[order[picks.astype(int)]].reset_index(drop=True)
    return chosen


def golden_predictions(pipeline: Any, inputs: pd.DataFrame, contract: Contract) -> list[float]:
    probability = positive_probability(pipeline, inputs[contract.feature_columns], contract)
    return [float(value) for value in probability]


def _old(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def update(params: Params, root: Path, golden_dir: Path) -> str:
    """Rewrite the goldens from a fresh reference model; return an old-versus-new report."""
    reference = run_pipeline(params, root)
    old_metrics = _old(golden_dir / "metrics.json")
    old_predictions = _old(golden_dir / "predictions.json")
    new_metrics = {
        name: {
            "value": round(value, 6),
            "tolerance": old_metrics.get(name, {}).get("tolerance", BY_NAME[name].tolerance),
            "direction": BY_NAME[name].direction,
        }
        for name, value in reference.metrics.items()
    }
    inputs = golden_inputs(reference)
    probabilities = golden_predictions(reference.pipeline, inputs, reference.contract)
    new_predictions = {
        "tolerance": old_predictions.get("tolerance", PREDICTION_TOLERANCE),
        "positive": reference.contract.target.positive,
        "probabilities": [round(value, 6) for value in probabilities],
    }
    lines = [f"{'metric':<12}{'old':>12}{'new':>12}{'change':>12}  (tolerance, better)"]
    for name, entry in new_metrics.items():
        before = old_metrics.get(name, {}).get("value")
        change = "new" if before is None else f"{entry['value'] - before:+.6f}"
        shown = "-" if before is None else f"{before:.6f}"
        lines.append(
            f"{name:<12}{shown:>12}{entry['value']:>12.6f}{change:>12}  "
            f"({entry['tolerance']}, {entry['direction']})"
        )
    before_probabilities = old_predictions.get("probabilities", [])
    if len(before_probabilities) == len(probabilities):
        moved = max(
            (abs(new - old) for new, old in zip(probabilities, before_probabilities, strict=True)),
            default=0.0,
        )
        lines.append(f"predictions: {len(probabilities)} rows; largest move {moved:.6f}")
    else:
        lines.append(f"predictions: {len(probabilities)} rows written (none to compare before)")
    write_text(json.dumps(new_metrics, indent=2) + "\n", golden_dir / "metrics.json")
    write_csv(inputs, golden_dir / "inputs.csv")
    write_text(json.dumps(new_predictions, indent=2) + "\n", golden_dir / "predictions.json")
    lines.append(
        f"wrote {golden_dir}/metrics.json, inputs.csv, predictions.json; review and commit"
    )
    return "\n".join(lines)
