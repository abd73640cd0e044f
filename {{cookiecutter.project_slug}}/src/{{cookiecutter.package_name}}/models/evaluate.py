"""Stage ``evaluate``: score the saved pipeline on the held-out split.

Writes the metrics DVC compares between runs (``dvc metrics diff``): the metrics of
the contract's task over the test rows, then each again per value of each slice column
of the contract (``accuracy[region=north]``), and the plots
(``models/plots.py``: the table DVC renders and a PNG each), with the privacy audit
(``models/privacy.py``: ``privacy.membership_auc``, which stops the stage above
``evaluate.privacy.max_membership_auc``). Everything is computed
before anything is written, and each file is written atomically, so a failure leaves
the previous reports intact.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
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
from {{ cookiecutter.package_name }}.models import plots, privacy
from {{ cookiecutter.package_name }}.models.metrics import (
    MEMBERSHIP_AUC,
    Metric,
    Scores,
    metric_table,
)

MIN_SLICE_ROWS = 10  # a slice value with fewer test rows is too noisy to hold to a golden


@dataclass(frozen=True)
class Measured:
    """One reported number: a metric over all test rows, or over one slice value's rows."""

    metric: Metric
    value: float
    rows: int
    slice: tuple[str, str] | None = None  # (column, value) of a slice; None: all rows

    @property
    def name(self) -> str:
        """``accuracy``, or ``accuracy[region=north]`` for a slice."""
        if self.slice is None:
            return self.metric.name
        column, value = self.slice
        return f"{self.metric.name}[{column}={value}]"


def check_task(pipeline: Any, contract: Contract) -> None:
    """The model predicts what the contract's target is: classes, or a number."""
    classifier = hasattr(pipeline, "classes_")
    if classifier == (contract.target.task == "regression"):
        made = "classes" if classifier else "numbers"
        raise InputError(
            f"the model predicts {made}, the contract's target {contract.target.column!r} "
            f"is {contract.target.task} ({contract.path}); retrain the model"
        )


def class_probabilities(pipeline: Any, features: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """One probability column per class, in the contract's order of the classes, whatever
    order the model keeps them in."""
    check_task(pipeline, contract)
    classes = [str(label) for label in pipeline.classes_]
    expected = list(contract.target.classes)
    if sorted(classes) != sorted(str(label) for label in expected):
        raise InputError(
            f"model classes {classes} are not the contract's {expected} ({contract.path}); "
            "retrain the model"
        )
    probabilities = pipeline.predict_proba(features)
    return pd.DataFrame(
        {label: probabilities[:, classes.index(str(label))] for label in expected},
        index=features.index,
    )


def positive_probability(
    pipeline: Any, features: pd.DataFrame, contract: Contract
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """P(positive class) of a binary target for each row."""
    column = class_probabilities(pipeline, features, contract)[contract.target.positive]
    values: np.ndarray[Any, np.dtype[np.float64]] = column.to_numpy(dtype="float64")
    return values


def decide(
    pipeline: Any, features: pd.DataFrame, contract: Contract, threshold: float
) -> tuple[pd.Series, pd.DataFrame | None]:
    """The prediction for each row, with the class probabilities it came from (or None).

    binary: the positive class from ``threshold`` on; multiclass: the most probable class
    (a tie goes to the class listed first in the contract); regression: the number.
    """
    target = contract.target
    if target.task == "regression":
        check_task(pipeline, contract)
        return pd.Series(pipeline.predict(features), index=features.index, dtype="float64"), None
    probabilities = class_probabilities(pipeline, features, contract)
    if target.task == "binary":
        positive = probabilities[target.positive] >= threshold
        return positive.map({True: target.positive, False: target.negative}), probabilities
    chosen = np.asarray(target.classes, dtype=object)[probabilities.to_numpy().argmax(axis=1)]
    return pd.Series(chosen, index=features.index), probabilities


def score(pipeline: Any, frame: pd.DataFrame, contract: Contract, threshold: float) -> Scores:
    predicted, probabilities = decide(
        pipeline, frame[contract.feature_columns], contract, threshold
    )
    actual = target_labels(frame[contract.target.column], contract)
    return Scores(actual, predicted.astype(actual.dtype), probabilities, contract.target)


def _measure(
    scores: Scores, table: tuple[Metric, ...], where: tuple[str, str] | None
) -> list[Measured]:
    from sklearn.exceptions import UndefinedMetricWarning

    measured = []
    for metric in table:
        try:
            with warnings.catch_warnings():  # undefined on this slice: left out, not warned
                warnings.simplefilter("ignore", UndefinedMetricWarning)
                value = metric.compute(scores)
        except ValueError:  # e.g. ROC AUC of a slice holding one class only: undefined
            continue
        if np.isfinite(value):
            measured.append(Measured(metric, value, len(scores.actual), where))
    return measured


def measure(scores: Scores, frame: pd.DataFrame, contract: Contract) -> list[Measured]:
    """Every metric of the task over all rows, then over each value of each slice column.

    A slice value with fewer than ``MIN_SLICE_ROWS`` rows, and a metric undefined on a
    slice (one class only), are left out.
    """
    table = metric_table(contract.target)
    measured = [Measured(metric, metric.compute(scores), len(scores.actual)) for metric in table]
    for column in contract.slices:
        values = frame[column].astype("string")
        for value in sorted(values.dropna().unique()):
            mask = (values == value).fillna(False).to_numpy(dtype=bool)
            if int(mask.sum()) >= MIN_SLICE_ROWS:
                measured += _measure(scores.subset(mask), table, (column, str(value)))
    return measured


def audit(
    pipeline: Any, train: pd.DataFrame, test_scores: Scores, contract: Contract, threshold: float
) -> Measured:
    """The privacy audit (:mod:`.privacy`): membership inference, training rows against test."""
    train_scores = score(pipeline, train, contract, threshold)
    auc = privacy.audit(train_scores, test_scores)
    return Measured(MEMBERSHIP_AUC, auc, len(train) + len(test_scores.actual))


def metrics(measured: list[Measured]) -> dict[str, float]:
    """The reported numbers by name: the task's metrics in their order, then the slices'."""
    return {item.name: item.value for item in measured}


def write_reports(scores: Scores, measured: list[Measured], params: Params) -> dict[str, float]:
    results = metrics(measured)
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
    if not hasattr(pipeline, "predict"):
        raise InputError(
            f"{path}: expected a fitted pipeline saved by train, found {type(pipeline).__name__}"
        )
    return pipeline


def run(params: Params) -> None:
    contract = load_contract(params.data.contract, params.data.target)
    test = read_dataset(params.data.test_path, contract)
    train = read_dataset(params.data.train_path, contract)
    pipeline = load_model(Path(params.train.model_path))
    scores = score(pipeline, test, contract, params.evaluate.threshold)
    measured = measure(scores, test, contract)
    leak = audit(pipeline, train, scores, contract, params.evaluate.threshold)
    # Checked before anything is written: a model that fails keeps the last reports.
    limit = params.evaluate.privacy.max_membership_auc
    privacy.check_limit(leak.value, limit, len(train), len(test))
    measured.append(leak)
    results = write_reports(scores, measured, params)
    summary = ", ".join(f"{item.name} {item.value:.4f}" for item in measured if not item.slice)
    sliced = len(results) - len(metric_table(contract.target)) - 1  # - 1: the audit
    if sliced:
        summary += f"; {sliced} more per value of slice column(s) {list(contract.slices)}"
    print(f"evaluate: {len(test)} test rows: {summary} -> {params.evaluate.metrics_path}")
