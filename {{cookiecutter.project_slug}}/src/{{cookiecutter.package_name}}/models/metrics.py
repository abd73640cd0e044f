"""The metrics ``evaluate`` reports: one row each, with which way is better.

Each :class:`Metric` says how it is computed, whether higher or lower is better, and
its default golden tolerance, once: ``evaluate`` reports the metrics of this table,
``golden-update`` writes their directions and starting tolerances to
``tests/golden/metrics.json`` (a tolerance already committed there is kept, so a team
tunes it in that file). A new metric is a new row here, then ``make golden-update``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

# "higher": larger is better; "lower": smaller is better (an error, such as Brier's).
Direction = Literal["higher", "lower"]


@dataclass(frozen=True)
class Scores:
    """Labels and predictions of one evaluation, with the positive class made explicit."""

    actual: pd.Series
    probability: np.ndarray[Any, np.dtype[np.float64]]
    predicted: pd.Series
    positive: Any

    @property
    def is_positive(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        flags: np.ndarray[Any, np.dtype[np.int64]] = (self.actual == self.positive).to_numpy(
            dtype="int64"
        )
        return flags


@dataclass(frozen=True)
class Metric:
    """A reported metric: its name, which way is better, and how to compute it."""

    name: str
    direction: Direction
    # The starting golden tolerance: about two test rows' worth on the bundled data.
    tolerance: float
    compute: Callable[[Scores], float]


# Threshold metrics at evaluate.threshold, ranking (ROC AUC), calibration (Brier).
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


METRICS: tuple[Metric, ...] = (
    Metric("accuracy", "higher", 0.015, _accuracy),
    Metric("roc_auc", "higher", 0.01, _roc_auc),
    Metric("f1", "higher", 0.015, _f1),
    Metric("precision", "higher", 0.02, _precision),
    Metric("recall", "higher", 0.02, _recall),
    Metric("brier", "lower", 0.01, _brier),
)
BY_NAME: dict[str, Metric] = {metric.name: metric for metric in METRICS}
