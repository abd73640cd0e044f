"""The privacy audit of ``evaluate``: can the model's outputs tell who it was trained on?

A membership-inference attack guesses, from the model's answer for a record, whether
that record was in the training data. This is the loss-threshold attack of Yeom,
Giacomelli, Fredrikson and Jha, "Privacy Risk in Machine Learning: Analyzing the
Connection to Overfitting" (IEEE CSF 2018): a record is guessed a member when the
model's loss on it is low, since a model that over-fits has a smaller loss on the rows
it learnt than on others. The loss of a record is the cross-entropy of its true class
(``-log P(true class)``) for a classifier, the squared error for a regression.

Instead of one threshold (Yeom et al. take the mean training loss), every threshold is
tried: :func:`membership_auc` is the ROC AUC of the lower-loss-means-member guess over
the training rows (members) against the held-out test rows (non-members). 0.5: the
attacker does no better than a coin; 1: each training row is singled out. ``evaluate``
reports it as ``privacy.membership_auc`` and fails above
``evaluate.privacy.max_membership_auc`` (params.yaml).

Its limits (docs/privacy.md): it measures one attacker, one who sees the loss (the
probabilities and the label); stronger ones (shadow models, LiRA by Carlini et al.
2022) can find more, so a low AUC is evidence, not a proof, of privacy. With few test
rows the AUC is noisy: about ±0.05 with 100 of them. It says nothing of attributes
reconstructed from outputs, nor of training with differential privacy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.models.metrics import Scores

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
SMALLEST_PROBABILITY = 1e-15  # log(0) is infinite: a certain wrong answer costs this much
LIMIT_KEY = "evaluate.privacy.max_membership_auc"


class PrivacyAuditError(InputError):
    """The model leaks its training rows beyond the limit params.yaml sets."""


def record_losses(scores: Scores) -> FloatArray:
    """The model's loss on each row: -log P(true class), or the squared error."""
    actual = scores.actual
    if scores.probabilities is None:  # regression
        errors = actual.to_numpy(dtype="float64") - scores.predicted.to_numpy(dtype="float64")
        squared: FloatArray = errors**2
        return squared
    columns = pd.Index(list(scores.probabilities.columns))
    where = columns.get_indexer(pd.Index(list(actual)))
    if (where < 0).any():
        unknown = sorted({str(label) for label in actual[where < 0]})
        raise InputError(
            f"privacy audit: label(s) {unknown} are none of the model's classes "
            f"{[str(label) for label in columns]}"
        )
    probabilities = scores.probabilities.to_numpy(dtype="float64")
    true_class = probabilities[np.arange(len(actual)), where]
    losses: FloatArray = -np.log(np.clip(true_class, SMALLEST_PROBABILITY, 1.0))
    return losses


def membership_auc(train_losses: FloatArray, test_losses: FloatArray) -> float:
    """ROC AUC of guessing "member" the lower a row's loss: training rows against test rows."""
    from sklearn.metrics import roc_auc_score  # deferred: slow import

    if len(train_losses) == 0 or len(test_losses) == 0:
        raise InputError(
            f"privacy audit: needs training and test rows, found {len(train_losses)} and "
            f"{len(test_losses)}"
        )
    members = np.concatenate([np.ones(len(train_losses)), np.zeros(len(test_losses))])
    guess = -np.concatenate([train_losses, test_losses])
    return float(roc_auc_score(members, guess))


def audit(train: Scores, test: Scores) -> float:
    """The membership AUC of the model whose scores on its training and test rows these are."""
    return membership_auc(record_losses(train), record_losses(test))


def standard_error(auc: float, members: int, non_members: int) -> float:
    """The AUC's standard error (Hanley and McNeil, Radiology 1982): how noisy it is."""
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    variance = (
        auc * (1 - auc) + (members - 1) * (q1 - auc**2) + (non_members - 1) * (q2 - auc**2)
    ) / (members * non_members)
    return float(np.sqrt(max(variance, 0.0)))


def check_limit(auc: float, limit: float, members: int, non_members: int) -> None:
    """Stop when the attack singles out training rows more often than ``limit`` allows.

    ``members`` and ``non_members``: the training and test rows, to say how noisy it is.
    """
    if auc > limit:
        noise = standard_error(auc, members, non_members)
        raise PrivacyAuditError(
            f"privacy audit: membership-inference AUC {auc:.4f} (standard error {noise:.2f} "
            f"on {members} training and {non_members} test rows) is above the limit "
            f"{limit:g} ({LIMIT_KEY} in params.yaml): the model's losses tell its training "
            "rows from held-out ones, so its outputs expose who it was trained on. Regularise "
            "it (a smaller train.linear.C, a train.random_forest.max_depth) or get more data; "
            "see docs/privacy.md"
        )
