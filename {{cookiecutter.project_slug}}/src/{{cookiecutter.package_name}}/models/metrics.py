"""The metrics ``evaluate`` reports, per task: one row each, with which way is better.

Each :class:`Metric` says how it is computed, whether higher or lower is better, and
its default golden tolerance, once: ``evaluate`` reports the metrics of the task's
table (:func:`metric_table`), ``golden-update`` writes their directions and starting
tolerances to ``tests/golden/metrics.json`` (a tolerance already committed there is
kept, so a team tunes it in that file). A new metric is a new row here, then
``make golden-update``.

- binary: accuracy, ROC AUC, F1, precision, recall (of the positive class), Brier;
- multiclass: accuracy, balanced accuracy, macro F1, log loss, and the recall of each
  class (``recall_<class>``), so a model that gives up on one class shows it;
- regression: RMSE, MAE, R², and MAPE when the contract's target is positive (its
  ``min`` above 0), where a relative error means something;
- every task: ``privacy.membership_auc``, the privacy audit's (``models/privacy.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.data.contract import TargetRule

# "higher": larger is better; "lower": smaller is better (an error, such as Brier's).
Direction = Literal["higher", "lower"]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class Scores:
    """The labels and predictions of one evaluation, for any task.

    ``probabilities`` has one column per class of the contract, in the contract's order
    (``None`` for regression); ``predicted`` holds classes, or numbers for regression.
    """

    actual: pd.Series
    predicted: pd.Series
    probabilities: pd.DataFrame | None
    target: TargetRule

    @property
    def positive(self) -> Any:
        return self.target.positive

    @property
    def probability(self) -> FloatArray:
        """P(positive class): binary only."""
        assert self.probabilities is not None, "a regression model has no probabilities"
        values: FloatArray = self.probabilities[self.target.positive].to_numpy(dtype="float64")
        return values

    @property
    def is_positive(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        flags: np.ndarray[Any, np.dtype[np.int64]] = (self.actual == self.positive).to_numpy(
            dtype="int64"
        )
        return flags

    def subset(self, mask: np.ndarray[Any, np.dtype[np.bool_]]) -> Scores:
        """The scores of the rows where ``mask`` is true (a slice)."""
        probabilities = None if self.probabilities is None else self.probabilities[mask]
        return Scores(self.actual[mask], self.predicted[mask], probabilities, self.target)


@dataclass(frozen=True)
class Metric:
    """A reported metric: its name, which way is better, and how to compute it."""

    name: str
    direction: Direction
    # The starting golden tolerance: about two test rows' worth on the bundled data, or
    # for a metric in the target's units (RMSE, MAE), a share of the golden value.
    tolerance: float
    compute: Callable[[Scores], float]
    relative: bool = False

    def starting_tolerance(self, value: float) -> float:
        """The tolerance ``golden-update`` writes for a metric that has none yet."""
        if self.relative:
            return round(self.tolerance * abs(value), 6)
        return self.tolerance


# scikit-learn is imported inside each function: importing it takes seconds.
def _accuracy(scores: Scores) -> float:
    from sklearn.metrics import accuracy_score

    return float(accuracy_score(scores.actual, scores.predicted))


def _roc_auc(scores: Scores) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(scores.is_positive, scores.probability))


def _f1(scores: Scores) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(scores.actual, scores.predicted, pos_label=scores.positive))


def _precision(scores: Scores) -> float:
    from sklearn.metrics import precision_score

    return float(
        precision_score(scores.actual, scores.predicted, pos_label=scores.positive, zero_division=0)
    )


def _recall(scores: Scores) -> float:
    from sklearn.metrics import recall_score

    return float(recall_score(scores.actual, scores.predicted, pos_label=scores.positive))


def _brier(scores: Scores) -> float:
    from sklearn.metrics import brier_score_loss

    return float(brier_score_loss(scores.is_positive, scores.probability))


def _balanced_accuracy(scores: Scores) -> float:
    from sklearn.metrics import balanced_accuracy_score

    return float(balanced_accuracy_score(scores.actual, scores.predicted))


def _macro_f1(scores: Scores) -> float:
    from sklearn.metrics import f1_score

    labels = list(scores.target.classes)
    return float(
        f1_score(scores.actual, scores.predicted, labels=labels, average="macro", zero_division=0)
    )


def _log_loss(scores: Scores) -> float:
    from sklearn.metrics import log_loss

    assert scores.probabilities is not None
    # scikit-learn reads the columns as the labels in sorted order, not the order given.
    labels = sorted(scores.target.classes)
    return float(log_loss(scores.actual, scores.probabilities[labels].to_numpy(), labels=labels))


def _class_recall(label: Any) -> Callable[[Scores], float]:
    def recall(scores: Scores) -> float:
        of_class = (scores.actual == label).to_numpy()
        if not of_class.any():
            return float("nan")  # no row of this class here: undefined, not reported
        return float((scores.predicted.to_numpy()[of_class] == label).mean())

    return recall


def _rmse(scores: Scores) -> float:
    from sklearn.metrics import root_mean_squared_error

    return float(root_mean_squared_error(scores.actual, scores.predicted))


def _mae(scores: Scores) -> float:
    from sklearn.metrics import mean_absolute_error

    return float(mean_absolute_error(scores.actual, scores.predicted))


def _r2(scores: Scores) -> float:
    from sklearn.metrics import r2_score

    return float(r2_score(scores.actual, scores.predicted))


def _mape(scores: Scores) -> float:
    from sklearn.metrics import mean_absolute_percentage_error

    return float(mean_absolute_percentage_error(scores.actual, scores.predicted))


BINARY: tuple[Metric, ...] = (
    Metric("accuracy", "higher", 0.015, _accuracy),
    Metric("roc_auc", "higher", 0.01, _roc_auc),
    Metric("f1", "higher", 0.015, _f1),
    Metric("precision", "higher", 0.02, _precision),
    Metric("recall", "higher", 0.02, _recall),
    Metric("brier", "lower", 0.01, _brier),
)
MULTICLASS: tuple[Metric, ...] = (
    Metric("accuracy", "higher", 0.025, _accuracy),
    Metric("balanced_accuracy", "higher", 0.025, _balanced_accuracy),
    Metric("macro_f1", "higher", 0.025, _macro_f1),
    Metric("log_loss", "lower", 0.05, _log_loss),
)
CLASS_RECALL_TOLERANCE = 0.05
REGRESSION: tuple[Metric, ...] = (
    Metric("rmse", "lower", 0.02, _rmse, relative=True),
    Metric("mae", "lower", 0.02, _mae, relative=True),
    Metric("r2", "higher", 0.02, _r2),
)
MAPE = Metric("mape", "lower", 0.02, _mape, relative=True)


def _from_both_splits(scores: Scores) -> float:
    raise TypeError(
        "privacy.membership_auc compares the training rows with the test rows: "
        "models/privacy.py computes it from both, not from one split's scores"
    )


# The privacy audit (models/privacy.py), reported beside the task's metrics for every
# task: lower is better (0.5 = no leak). Not in metric_table, so the promotion gate does
# not compare it between versions (a noisy AUC would refuse a version for noise); the
# pipeline holds it to evaluate.privacy.max_membership_auc instead.
MEMBERSHIP_AUC = Metric("privacy.membership_auc", "lower", 0.05, _from_both_splits)


def class_recall_name(label: Any) -> str:
    return f"recall_{label}"


def metric_table(target: TargetRule) -> tuple[Metric, ...]:
    """The metrics ``evaluate`` reports for the task the contract's target sets."""
    if target.task == "binary":
        return BINARY
    if target.task == "multiclass":
        per_class = tuple(
            Metric(class_recall_name(label), "higher", CLASS_RECALL_TOLERANCE, _class_recall(label))
            for label in target.classes
        )
        return MULTICLASS + per_class
    positive = target.minimum is not None and target.minimum > 0
    return REGRESSION + ((MAPE,) if positive else ())


def by_name(target: TargetRule) -> dict[str, Metric]:
    return {metric.name: metric for metric in metric_table(target)}
