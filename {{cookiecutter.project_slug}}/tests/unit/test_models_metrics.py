"""The metrics of the table in models/metrics.py on edge cases of the predictions."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.data.contract import TargetRule
from {{ cookiecutter.package_name }}.models import metrics

BINARY = TargetRule(column="label", task="binary", values=("no", "yes"), positive="yes")


def test_precision_of_a_model_that_predicts_no_positives_is_zero_without_a_warning() -> None:
    """No positive prediction: precision is 0, said quietly (evaluate's output stays clean)."""
    probability = np.array([0.4, 0.2, 0.1])
    scores = metrics.Scores(
        actual=pd.Series(["yes", "no", "no"]),
        predicted=pd.Series(["no", "no", "no"]),
        probabilities=pd.DataFrame({"no": 1 - probability, "yes": probability}),
        target=BINARY,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert metrics.by_name(BINARY)["precision"].compute(scores) == 0.0
