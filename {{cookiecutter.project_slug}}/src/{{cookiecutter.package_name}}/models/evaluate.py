"""Stage ``evaluate``: score the saved pipeline on the held-out split.

Writes the metrics DVC compares between runs (``dvc metrics diff``) and the plots
(``models/plots.py``: the table DVC renders and a PNG each). Everything is computed
before anything is written, and each file is written atomically, so a failure leaves
the previous reports intact.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    load_contract,
    read_dataset,
    target_labels,
)
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.io import write_text
from {{ cookiecutter.package_name }}.models import plots
from {{ cookiecutter.package_name }}.models.metrics import METRICS, Scores


def positive_probability(
    pipeline: Any, features: pd.DataFrame, contract: Contract
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """P(positive class) for each row, whatever order the model keeps its classes in."""
    classes = pipeline.classes_.tolist()
    if contract.target.positive not in classes:
        raise InputError(
            f"model classes {classes} do not include the contract's positive class "
            f"{contract.target.positive!r} ({contract.path}); retrain the model"
        )
    probabilities: np.ndarray[Any, np.dtype[np.float64]] = pipeline.predict_proba(features)
    return probabilities[:, classes.index(contract.target.positive)]


def score(pipeline: Any, frame: pd.DataFrame, contract: Contract, threshold: float) -> Scores:
    probability = positive_probability(pipeline, frame[contract.feature_columns], contract)
    target = contract.target
    predicted = pd.Series(
        np.where(probability >= threshold, target.positive, target.negative), index=frame.index
    )
    actual = target_labels(frame[target.column], contract)
    return Scores(actual, probability, predicted.astype(actual.dtype), target.positive)


def metrics(scores: Scores) -> dict[str, float]:
    """Every metric of the table in ``models/metrics.py``, by name, in its order."""
    return {metric.name: metric.compute(scores) for metric in METRICS}


def write_reports(scores: Scores, params: Params) -> dict[str, float]:
    results = metrics(scores)
    drawn = plots.draw(scores)  # drawn before anything is written
    write_text(json.dumps(results, indent=2) + "\n", params.evaluate.metrics_path)
    plots.write(drawn, Path(params.evaluate.plots_dir))
    return results


def load_model(path: Path) -> Any:
    """The pipeline ``train`` saved; anything else at ``path`` is one error naming it."""
    if path.is_dir():
        raise InputError(f"{path}: is a directory (expected the model file train saves)")
    if not path.is_file():
        raise InputError(f"{path}: model not found; run `dvc repro train` first")
    try:
        pipeline = joblib.load(path)
    except Exception as error:  # a truncated or foreign file fails in many ways
        raise InputError(
            f"{path}: not a model saved by train ({type(error).__name__}); "
            "run `dvc repro train` to rebuild it"
        ) from error
    if not hasattr(pipeline, "predict_proba"):
        raise InputError(
            f"{path}: expected a fitted pipeline saved by train, found {type(pipeline).__name__}"
        )
    return pipeline


def run(params: Params) -> None:
    contract = load_contract(params.data.contract, params.data.target)
    test = read_dataset(params.data.test_path, contract)
    pipeline = load_model(Path(params.train.model_path))
    results = write_reports(score(pipeline, test, contract, params.evaluate.threshold), params)
    summary = ", ".join(f"{name} {value:.4f}" for name, value in results.items())
    print(f"evaluate: {len(test)} test rows: {summary} -> {params.evaluate.metrics_path}")
