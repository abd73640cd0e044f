"""Behavioural tests of the trained model, after Made-With-ML's "testing models" lesson
(invariance, directional expectation, minimum functionality; itself after Ribeiro et
al., "Beyond Accuracy: Behavioral Testing of NLP Models with CheckList", ACL 2020).

Metrics say how often the model is right; these say whether it is right for reasons a
domain expert would accept. They run on the reference model the golden tests train.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.models.evaluate import positive_probability
from {{ cookiecutter.package_name }}.pipeline import Trained as Reference

from tests.golden.reference import reference

TYPICAL_ROWS = 5
# Per contract: the probability of its own class each of the most typical rows of a
# class must reach: called right, and with confidence, not by a coin flip at the
# threshold. Typical means near the class's median on every numeric feature, which
# suits data whose classes differ in most measurements (tumours); it does not suit
# data where a class overlaps the other within subgroups (penguins' sex within a
# species), so each dataset opts in here rather than by default.
TYPICAL_CONFIDENCE: dict[str, float] = {"breast_cancer": 0.75}


@dataclass(frozen=True)
class Direction:
    """Changing rows by ``change`` must not raise P(positive) by more than ``tolerance``
    in any row, and must lower it by at least ``mean_drop`` on average."""

    description: str
    change: Callable[[pd.DataFrame], pd.DataFrame]
    tolerance: float
    mean_drop: float


def _scaled(columns: dict[str, float]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(rows: pd.DataFrame) -> pd.DataFrame:
        return rows.assign(**{column: rows[column] * factor for column, factor in columns.items()})

    return change


# Per contract: what a domain expert expects. For breast cancer (0 = malignant, 1 =
# benign, the model reports P(benign)), larger and more concave nuclei point to
# malignancy. A tumour's size is one quantity measured three ways (radius, perimeter,
# area), so it is grown consistently: area x1.5, radius and perimeter x sqrt(1.5).
# The tolerance allows for spline features (features.nonlinear), which make the
# response locally non-monotone: up to about 0.05 was measured for the size change.
DIRECTIONS: dict[str, list[Direction]] = {
    "breast_cancer": [
        Direction(
            "worst concave points doubled",
            _scaled({"worst concave points": 2.0}),
            tolerance=0.05,
            mean_drop=0.02,
        ),
        Direction(
            "tumour area x1.5 (radius and perimeter x1.22)",
            _scaled(
                {
                    **{f"{kind} area": 1.5 for kind in ("mean", "worst")},
                    **{f"{kind} radius": 1.5**0.5 for kind in ("mean", "worst")},
                    **{f"{kind} perimeter": 1.5**0.5 for kind in ("mean", "worst")},
                }
            ),
            tolerance=0.1,
            mean_drop=0.02,
        ),
    ],
}


@pytest.fixture(scope="module")
def model() -> Reference:
    return reference()


def _probability(
    model: Reference, rows: pd.DataFrame
) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    return positive_probability(
        model.pipeline, rows[model.contract.feature_columns], model.contract
    )


def test_invariance_to_column_order(model: Reference) -> None:
    """Columns are matched by name, never by position."""
    rows = model.test[model.contract.feature_columns]
    shuffled = rows[list(reversed(rows.columns))]
    np.testing.assert_array_equal(
        model.pipeline.predict_proba(shuffled), model.pipeline.predict_proba(rows)
    )


def test_invariance_to_measurement_noise(model: Reference) -> None:
    """A millionth of relative noise on every number is no reason to change a prediction."""
    numeric = model.contract.numeric_features
    rows = model.test
    noise = 1 + 1e-6 * np.random.default_rng(0).standard_normal((len(rows), len(numeric)))
    noisy = rows.assign(
        **{column: rows[column] * noise[:, index] for index, column in enumerate(numeric)}
    )
    moved = np.abs(_probability(model, noisy) - _probability(model, rows))
    assert moved.max() < 1e-3, (
        f"largest move {moved.max():.6f} at test row {rows.index[moved.argmax()]}"
    )


def test_direction(model: Reference) -> None:
    """Changes with a known effect move P(positive) the expected way."""
    if model.contract.name not in DIRECTIONS:
        pytest.skip(
            f"no directional expectations written for contract {model.contract.name!r}; "
            "add them to DIRECTIONS in this file (docs/adding-a-dataset.md)"
        )
    rows = model.test
    before = _probability(model, rows)
    problems = []
    for direction in DIRECTIONS[model.contract.name]:
        change = _probability(model, direction.change(rows)) - before
        if change.max() > direction.tolerance:
            worst = int(change.argmax())
            problems.append(
                f"{direction.description}: P({model.contract.target.positive}) rose by "
                f"{change.max():.3f} > {direction.tolerance} at test row {rows.index[worst]} "
                f"(from {before[worst]:.3f})"
            )
        if -change.mean() < direction.mean_drop:
            problems.append(
                f"{direction.description}: P({model.contract.target.positive}) fell by "
                f"{-change.mean():.3f} on average; expected at least {direction.mean_drop}"
            )
    assert not problems, "; ".join(problems)


def _most_typical(model: Reference, label: object) -> pd.DataFrame:
    """The test rows of one class nearest that class's median training row.

    Distance is the mean absolute difference over numeric features, each divided by
    its interquartile range, so no single large-valued feature dominates.
    """
    numeric = model.contract.numeric_features
    target = model.contract.target.column
    train = model.train[numeric].astype("float64")
    spread = (train.quantile(0.75) - train.quantile(0.25)).replace(0.0, 1.0)
    centre = train[model.train[target] == label].median()
    candidates = model.test[model.test[target] == label]
    distance = ((candidates[numeric].astype("float64") - centre) / spread).abs().mean(axis=1)
    return candidates.loc[distance.nsmallest(TYPICAL_ROWS).index]


@pytest.mark.parametrize("which", ["positive", "negative"])
def test_minimum_functionality_on_the_most_typical_rows(model: Reference, which: str) -> None:
    """The most typical cases of each class are classified right, and confidently."""
    if model.contract.name not in TYPICAL_CONFIDENCE:
        pytest.skip(
            f"no minimum-functionality expectation written for contract "
            f"{model.contract.name!r}; add it to TYPICAL_CONFIDENCE in this file "
            "(docs/adding-a-dataset.md)"
        )
    confidence = TYPICAL_CONFIDENCE[model.contract.name]
    target = model.contract.target
    label = target.positive if which == "positive" else target.negative
    rows = _most_typical(model, label)
    probability = _probability(model, rows)
    own_class = probability if which == "positive" else 1 - probability
    wrong = [
        f"row {index}: P({label}) = {value:.3f}"
        for index, value in zip(rows.index, own_class, strict=True)
        if value < confidence
    ]
    assert not wrong, f"typical {label!r} rows not confidently {label!r}: " + "; ".join(wrong)
