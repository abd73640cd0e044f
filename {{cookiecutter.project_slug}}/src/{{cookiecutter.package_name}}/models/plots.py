"""The plots of ``evaluate``: ROC curve, confusion matrix, calibration curve.

For each plot, both the table DVC renders (``dvc plots show``/``diff``) and a PNG for
readers without DVC. :func:`draw` computes them all before :func:`write` writes any,
each file atomically, so a failure leaves the previous plots intact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.data.files import write_csv
from {{ cookiecutter.package_name }}.io import atomic_path
from {{ cookiecutter.package_name }}.models.metrics import Scores

CALIBRATION_BINS = 10


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


def figure(tables: dict[str, pd.DataFrame], name: str, positive: Any) -> Any:
    """One PNG per plot: a bare ``Figure`` (no display, no global pyplot state), which
    ``savefig`` renders with the Agg canvas its format needs."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.5, 4.5), layout="constrained")
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


def draw(scores: Scores) -> dict[str, tuple[pd.DataFrame, Any]]:
    """Each plot's table and figure, by name."""
    tables = plot_data(scores)
    return {name: (table, figure(tables, name, scores.positive)) for name, table in tables.items()}


def write(drawn: dict[str, tuple[pd.DataFrame, Any]], folder: Path) -> None:
    """``<name>.csv`` and ``<name>.png`` of each plot in ``folder``, each atomically."""
    for name, (table, drawing) in drawn.items():
        write_csv(table, folder / f"{name}.csv")
        with atomic_path(folder / f"{name}.png") as temporary:
            drawing.savefig(temporary, format="png", dpi=100)
