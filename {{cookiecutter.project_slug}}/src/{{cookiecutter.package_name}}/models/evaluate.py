"""Stage ``evaluate``: score the saved pipeline on the held-out split.

Writes the metrics DVC compares between runs (``dvc metrics diff``) and, for each
plot, both the data DVC renders (``dvc plots show``/``diff``: ROC curve, confusion
matrix, calibration curve) and a PNG for readers without DVC. Everything is computed
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
from {{ cookiecutter.package_name }}.data.files import write_csv
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.io import atomic_path, write_text
from {{ cookiecutter.package_name }}.models.metrics import METRICS, Scores

CALIBRATION_BINS = 10


def positive_probability(
    pipeline: Any, features: pd.DataFrame, contract: Contract
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """P(positive class) for each row, whatever order the model keeps its classes in."""
    classes = list(pipeline.classes_)
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


def plot_data(scores: Scores) -> dict[str, pd.DataFrame]:
    """The tables behind each plot, in the shape DVC's plot templates expect."""
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import roc_curve

    fpr, tpr, thresholds = roc_curve(scores.is_positive, scores.probability)
    fraction, mean_predicted = calibration_curve(
        scores.is_positive, scores.probability, n_bins=CALIBRATION_BINS, strategy="quantile"
    )
    return {
        "roc": pd.DataFrame({"fpr": fpr, "tpr": tpr, "threshold": np.minimum(thresholds, 1.0)}),
        "confusion": pd.DataFrame(
            {"actual": scores.actual.astype("str"), "predicted": scores.predicted.astype("str")}
        ),
        "calibration": pd.DataFrame(
            {"mean_predicted": mean_predicted, "fraction_positive": fraction}
        ),
    }


def _figure(tables: dict[str, pd.DataFrame], name: str, positive: Any) -> Any:
    """One PNG per plot, drawn with the Agg canvas (no display, no global pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.5, 4.5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    table = tables[name]
    if name == "roc":
        axes.plot(table["fpr"], table["tpr"], label="model")
        axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="chance")
        axes.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC curve")
        axes.legend(loc="lower right")
    elif name == "calibration":
        axes.plot(table["mean_predicted"], table["fraction_positive"], marker="o", label="model")
        axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect")
        axes.set(
            xlabel=f"mean predicted P({positive})",
            ylabel=f"fraction actually {positive}",
            title="Calibration curve",
        )
        axes.legend(loc="upper left")
    else:
        counts = pd.crosstab(table["actual"], table["predicted"])
        labels = sorted(set(counts.index) | set(counts.columns))
        counts = counts.reindex(index=labels, columns=labels, fill_value=0)
        grid = counts.to_numpy()
        axes.imshow(grid, cmap="Blues")
        for (row, column), count in np.ndenumerate(grid):
            colour = "white" if count > grid.max() / 2 else "black"
            axes.text(column, row, str(count), ha="center", va="center", color=colour)
        axes.set_xticks(range(len(labels)), labels)
        axes.set_yticks(range(len(labels)), labels)
        axes.set(xlabel="predicted", ylabel="actual", title="Confusion matrix")
    return figure


def write_reports(scores: Scores, params: Params) -> dict[str, float]:
    results = metrics(scores)
    tables = plot_data(scores)
    figures = {name: _figure(tables, name, scores.positive) for name in tables}
    plots = Path(params.evaluate.plots_dir)
    write_text(json.dumps(results, indent=2) + "\n", params.evaluate.metrics_path)
    for name, table in tables.items():
        write_csv(table, plots / f"{name}.csv")
        with atomic_path(plots / f"{name}.png") as temporary:
            figures[name].savefig(temporary, format="png", dpi=100)
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
