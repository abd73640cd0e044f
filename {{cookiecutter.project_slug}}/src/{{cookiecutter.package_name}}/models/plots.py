"""The plots of ``evaluate``, for the task the contract's target sets.

- binary: ROC curve, confusion matrix, calibration curve;
- multiclass: confusion matrix over every class of the contract, and one ROC curve
  per class, that class against the rest (``roc_by_class``);
- regression: predicted against actual, and residuals against predicted.

For each plot, both the table DVC renders (``dvc plots show``/``diff``; the top-level
``plots:`` of dvc.yaml says how) and a PNG for readers without DVC. :func:`draw`
computes them all before :func:`write` writes any, each file atomically, so a failure
leaves the previous plots intact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.data.contract import TargetRule
from {{ cookiecutter.package_name }}.data.files import write_csv
from {{ cookiecutter.package_name }}.io import atomic_path
from {{ cookiecutter.package_name }}.models.metrics import Scores

CALIBRATION_BINS = 10
# The plots of each task, by name: <name>.csv and <name>.png in evaluate.plots_dir.
PLOTS: dict[str, tuple[str, ...]] = {
    "binary": ("roc", "confusion", "calibration"),
    "multiclass": ("confusion", "roc_by_class"),
    "regression": ("predicted", "residuals"),
}


def _roc(actual: Any, probability: Any) -> pd.DataFrame:
    """fpr, tpr and threshold; scikit-learn's first threshold (infinity) is capped at 1."""
    from sklearn.metrics import roc_curve

    fpr, tpr, thresholds = roc_curve(actual, probability)
    return pd.DataFrame({"fpr": fpr, "tpr": tpr, "threshold": np.minimum(thresholds, 1.0)})


def _confusion(scores: Scores) -> pd.DataFrame:
    """One row per test row, as text: DVC's confusion template counts the pairs."""
    return pd.DataFrame(
        {"actual": scores.actual.astype("str"), "predicted": scores.predicted.astype("str")}
    )


def _binary(scores: Scores) -> dict[str, pd.DataFrame]:
    from sklearn.calibration import calibration_curve

    fraction, mean_predicted = calibration_curve(
        scores.is_positive, scores.probability, n_bins=CALIBRATION_BINS, strategy="quantile"
    )
    return {
        "roc": _roc(scores.is_positive, scores.probability),
        "confusion": _confusion(scores),
        "calibration": pd.DataFrame(
            {"mean_predicted": mean_predicted, "fraction_positive": fraction}
        ),
    }


def _multiclass(scores: Scores) -> dict[str, pd.DataFrame]:
    """The confusion rows, and each class's ROC curve against the rest, in contract order.

    A class with no test row (or only its rows) has no ROC curve and is left out.
    """
    assert scores.probabilities is not None, "a classifier has class probabilities"
    curves = []
    for label in scores.target.classes:
        is_class = (scores.actual == label).to_numpy(dtype="int64")
        if 0 < is_class.sum() < len(is_class):
            curve = _roc(is_class, scores.probabilities[label].to_numpy(dtype="float64"))
            curves.append(curve.assign(**{"class": str(label)}))
    columns = ["class", "fpr", "tpr", "threshold"]
    roc = pd.concat(curves, ignore_index=True)[columns] if curves else pd.DataFrame(columns=columns)
    return {"confusion": _confusion(scores), "roc_by_class": roc}


def _regression(scores: Scores) -> dict[str, pd.DataFrame]:
    actual = scores.actual.to_numpy(dtype="float64")
    predicted = scores.predicted.to_numpy(dtype="float64")
    return {
        "predicted": pd.DataFrame({"actual": actual, "predicted": predicted}),
        "residuals": pd.DataFrame({"predicted": predicted, "residual": actual - predicted}),
    }


def plot_data(scores: Scores) -> dict[str, pd.DataFrame]:
    """The tables behind each plot of the task, in the shape DVC's plot templates expect."""
    task = scores.target.task
    if task == "binary":
        return _binary(scores)
    if task == "multiclass":
        return _multiclass(scores)
    return _regression(scores)


def _against_chance(axes: Any, label: str) -> None:
    """The diagonal a model that guesses (or is perfect, for calibration) follows."""
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label=label)


def _draw_roc(axes: Any, table: pd.DataFrame) -> None:
    axes.plot(table["fpr"], table["tpr"], label="model")
    _against_chance(axes, "chance")
    axes.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC curve")
    axes.legend(loc="lower right")


def _draw_roc_by_class(axes: Any, table: pd.DataFrame, target: TargetRule) -> None:
    """One curve per class, in the contract's order; the legend gives each its AUC."""
    from sklearn.metrics import auc

    for label in target.classes:
        curve = table[table["class"] == str(label)]
        if len(curve):
            area = auc(curve["fpr"], curve["tpr"])
            axes.plot(curve["fpr"], curve["tpr"], label=f"{label} (AUC {area:.3f})")
    _against_chance(axes, "chance")
    axes.set(
        xlabel="false positive rate",
        ylabel="true positive rate",
        title="ROC curve of each class against the rest",
    )
    axes.legend(loc="lower right")


def _draw_calibration(axes: Any, table: pd.DataFrame, positive: Any) -> None:
    axes.plot(table["mean_predicted"], table["fraction_positive"], marker="o", label="model")
    _against_chance(axes, "perfect")
    axes.set(
        xlabel=f"mean predicted P({positive})",
        ylabel=f"fraction actually {positive}",
        title="Calibration curve",
    )
    axes.legend(loc="upper left")


def _draw_confusion(axes: Any, table: pd.DataFrame, target: TargetRule) -> None:
    """Every class of the contract on both axes, in its order, even one never seen."""
    counts = pd.crosstab(table["actual"], table["predicted"])
    labels = [str(label) for label in target.classes]
    seen = set(counts.index) | set(counts.columns)
    labels += sorted(seen - set(labels))  # not the contract's: shown rather than dropped
    grid = counts.reindex(index=labels, columns=labels, fill_value=0).to_numpy()
    axes.imshow(grid, cmap="Blues")
    for (row, column), count in np.ndenumerate(grid):
        colour = "white" if count > grid.max() / 2 else "black"
        axes.text(column, row, str(count), ha="center", va="center", color=colour)
    axes.set_xticks(range(len(labels)), labels)
    axes.set_yticks(range(len(labels)), labels)
    axes.set(xlabel="predicted", ylabel="actual", title="Confusion matrix")


def _draw_predicted(axes: Any, table: pd.DataFrame) -> None:
    """Each test row as a point; a perfect model puts them all on the line y = x."""
    axes.scatter(table["actual"], table["predicted"], s=12, alpha=0.6, label="test rows")
    values = pd.concat([table["actual"], table["predicted"]])
    ends = [float(values.min()), float(values.max())] if len(values) else [0.0, 1.0]
    axes.plot(ends, ends, linestyle="--", color="grey", label="predicted = actual")
    axes.set(xlabel="actual", ylabel="predicted", title="Predicted against actual")
    axes.legend(loc="upper left")


def _draw_residuals(axes: Any, table: pd.DataFrame) -> None:
    """Residual (actual - predicted) against predicted; a good model scatters around 0."""
    axes.scatter(table["predicted"], table["residual"], s=12, alpha=0.6)
    axes.axhline(0, linestyle="--", color="grey")
    axes.set(xlabel="predicted", ylabel="residual (actual - predicted)", title="Residuals")


def figure(tables: dict[str, pd.DataFrame], name: str, target: TargetRule) -> Any:
    """One PNG per plot: a bare ``Figure`` (no display, no global pyplot state), which
    ``savefig`` renders with the Agg canvas its format needs."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.5, 4.5), layout="constrained")
    axes = figure.add_subplot()
    table = tables[name]
    if name == "roc":
        _draw_roc(axes, table)
    elif name == "roc_by_class":
        _draw_roc_by_class(axes, table, target)
    elif name == "calibration":
        _draw_calibration(axes, table, target.positive)
    elif name == "confusion":
        _draw_confusion(axes, table, target)
    elif name == "predicted":
        _draw_predicted(axes, table)
    elif name == "residuals":
        _draw_residuals(axes, table)
    else:
        known = sorted({plot for names in PLOTS.values() for plot in names})
        raise ValueError(f"no figure for plot {name!r}; expected one of {known}")
    return figure


def draw(scores: Scores) -> dict[str, tuple[pd.DataFrame, Any]]:
    """Each plot's table and figure, by name."""
    tables = plot_data(scores)
    return {name: (table, figure(tables, name, scores.target)) for name, table in tables.items()}


def write(drawn: dict[str, tuple[pd.DataFrame, Any]], folder: Path) -> None:
    """``<name>.csv`` and ``<name>.png`` of each plot in ``folder``, each atomically; then
    the files of another task's plots there (from before the task changed) are removed."""
    for name, (table, drawing) in drawn.items():
        write_csv(table, folder / f"{name}.csv")
        with atomic_path(folder / f"{name}.png") as temporary:
            drawing.savefig(temporary, format="png", dpi=100)
    stale = {plot for names in PLOTS.values() for plot in names} - set(drawn)
    for name in sorted(stale):
        for suffix in (".csv", ".png"):
            (folder / f"{name}{suffix}").unlink(missing_ok=True)
