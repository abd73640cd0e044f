"""Behavioural tests of the trained model, after Made-With-ML's "testing models" lesson
(invariance, directional expectation, minimum functionality; itself after Ribeiro et
al., "Beyond Accuracy: Behavioral Testing of NLP Models with CheckList", ACL 2020).

Metrics say how often the model is right; these say whether it is right for reasons a
domain expert would accept. They run on the reference model the golden tests train,
whatever the contract's task: binary, multiclass or regression. The invariance tests
need no domain knowledge; the others read it from tables keyed by contract name, and
skip, giving the reason, for a contract without an entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeVar

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data.contract import Label
from {{ cookiecutter.package_name }}.models.evaluate import decide
from {{ cookiecutter.package_name }}.pipeline import Trained as Reference

from tests.golden.reference import reference

Expectation = TypeVar("Expectation")
Values = np.ndarray[tuple[int], np.dtype[np.float64]]

TYPICAL_ROWS = 5

# A millionth of relative noise on every number may move a probability by less than
# this, and a predicted number by less than this share of the target's observed range.
NOISE_TOLERANCE = 1e-3

# Direction.output of a regression: the predicted number, rather than a class's probability.
PREDICTED_VALUE: Final = None


@dataclass(frozen=True)
class Direction:
    """Changing rows by ``change`` must move one output of the model one way.

    ``output`` is a class, whose probability moves (binary, multiclass), or
    ``PREDICTED_VALUE``, the predicted number (regression). ``rises`` says which way
    it must go: no row may move it the other way by more than ``tolerance``, and on
    average over the test rows it must move the expected way by at least
    ``mean_change``. Both are in the output's units: probability, or target units.
    """

    description: str
    change: Callable[[pd.DataFrame], pd.DataFrame]
    output: Label | None
    rises: bool
    tolerance: float
    mean_change: float


def _scaled(columns: dict[str, float]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(rows: pd.DataFrame) -> pd.DataFrame:
        return rows.assign(**{column: rows[column] * factor for column, factor in columns.items()})

    return change


def _shifted(columns: dict[str, float]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(rows: pd.DataFrame) -> pd.DataFrame:
        return rows.assign(**{column: rows[column] + step for column, step in columns.items()})

    return change


# Per contract: what a domain expert expects, each effect also visible in the data, with
# the moves measured on the reference model (default params.yaml: the linear model on
# spline features, seed 42) in the comments. Spline features (features.nonlinear) make
# the response locally non-monotone, so a tolerance allows a few rows a small move the
# wrong way; winsorising (features.outliers) stops rows already at the training
# extremes from moving at all, and most rows of a confident classifier sit at 0 or 1,
# which is why mean moves are small next to the largest.
DIRECTIONS: dict[str, list[Direction]] = {
    # 0 = malignant, 1 = benign: larger and more concave nuclei point to malignancy. A
    # tumour's size is one quantity measured three ways (radius, perimeter, area), so it
    # is grown consistently: area x1.5, radius and perimeter x sqrt(1.5). Measured for
    # the concave points: P(benign) fell by 0.055 on average and rose by at most 0.023;
    # up to about 0.05 was measured for the size change.
    "breast_cancer": [
        Direction(
            "worst concave points doubled",
            _scaled({"worst concave points": 2.0}),
            output=1,
            rises=False,
            tolerance=0.05,
            mean_change=0.02,
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
            output=1,
            rises=False,
            tolerance=0.1,
            mean_change=0.02,
        ),
    ],
    # Three cultivars of one Italian region. Class medians in the data (0 / 1 / 2):
    # flavanoids 2.98 / 2.03 / 0.69, proline 1095 / 495 / 628, colour intensity
    # 5.4 / 2.9 / 7.6, hue 1.07 / 1.04 / 0.67, OD280/OD315 3.17 / 2.83 / 1.66. So less
    # flavanoid or proline is less like class 0, deeper colour less like class 1, and a
    # lower hue or OD280/OD315 more like class 2. Measured, mean move / largest wrong-way
    # move: flavanoids 0.035 / 0.004, proline 0.049 / 0.001, colour 0.052 / 0.018,
    # hue 0.036 / 0.002, OD280/OD315 0.020 / 0.000.
    "wine": [
        Direction(
            "flavanoids halved",
            _scaled({"flavanoids": 0.5}),
            output=0,
            rises=False,
            tolerance=0.02,
            mean_change=0.015,
        ),
        Direction(
            "proline x0.6",
            _scaled({"proline": 0.6}),
            output=0,
            rises=False,
            tolerance=0.02,
            mean_change=0.02,
        ),
        Direction(
            "colour intensity x1.5",
            _scaled({"color_intensity": 1.5}),
            output=1,
            rises=False,
            tolerance=0.05,
            mean_change=0.02,
        ),
        Direction(
            "hue x0.7",
            _scaled({"hue": 0.7}),
            output=2,
            rises=True,
            tolerance=0.02,
            mean_change=0.015,
        ),
        Direction(
            "OD280/OD315 of diluted wines x0.7",
            _scaled({"od280/od315_of_diluted_wines": 0.7}),
            output=2,
            rises=True,
            tolerance=0.02,
            mean_change=0.01,
        ),
    ],
    # Disease progression one year on (target units, observed 25 to 346). Obesity and
    # high serum triglycerides (s5, their log) are risk factors, as is high blood
    # pressure. Measured, mean rise / largest fall: bmi +3 16.4 / 0.0, s5 +0.3
    # 13.7 / 8.0 (rows near the top of s5's range), bp +10 12.6 / none (every
    # row rose, by at least 0.5).
    "diabetes": [
        Direction(
            "body mass index +3 kg/m2",
            _shifted({"bmi": 3.0}),
            output=PREDICTED_VALUE,
            rises=True,
            tolerance=5.0,
            mean_change=6.0,
        ),
        Direction(
            "log serum triglycerides (s5) +0.3",
            _shifted({"s5": 0.3}),
            output=PREDICTED_VALUE,
            rises=True,
            tolerance=15.0,
            mean_change=5.0,
        ),
        Direction(
            "mean blood pressure +10 mm Hg",
            _shifted({"bp": 10.0}),
            output=PREDICTED_VALUE,
            rises=True,
            tolerance=5.0,
            mean_change=5.0,
        ),
    ],
}

# Classification, per contract: the probability of its own class each of the most
# typical test rows of a class must reach, and the class decide must call: right, and
# with confidence, not by a coin flip at the threshold. Typical means near the class's
# median on every numeric feature, which suits data whose classes differ in most
# measurements (tumours, cultivars); it does not suit data where a class overlaps
# another within subgroups (penguins' sex within a species), so each dataset opts in
# here rather than by default. Measured: breast cancer at least 0.86, wine at least 0.88.
TYPICAL_CONFIDENCE: dict[str, float] = {"breast_cancer": 0.75, "wine": 0.75}

# Regression, per contract, in target units: how far apart the predictions for the most
# typical test rows of the lowest and of the highest tenth of the target must be (the
# lowest prediction of a typical high row less the highest of a typical low row). A
# model that had learnt nothing would predict both about the same; one that had the
# direction wrong would order them the other way. Measured for diabetes: typical low
# rows (actual 42 to 59) predicted 58 to 131, typical high rows (actual 270 to 281)
# 186 to 320: a gap of 55.
TYPICAL_SEPARATION: dict[str, float] = {"diabetes": 25.0}


@pytest.fixture(scope="module")
def model() -> Reference:
    return reference()


def _expectations(table: dict[str, Expectation], model: Reference, table_name: str) -> Expectation:
    """The contract's entry of ``table``; the test skips, saying why, if it has none."""
    name = model.contract.name
    if name not in table:
        pytest.skip(
            f"no expectations written for contract {name!r}; add them to {table_name} "
            "in this file (docs/adding-a-dataset.md)"
        )
    return table[name]


def _require_task(model: Reference, *tasks: str) -> None:
    task = model.contract.target.task
    if task not in tasks:
        pytest.skip(
            f"contract {model.contract.name!r} sets a {task} task; this test is for "
            + " and ".join(tasks)
        )


def _decide(model: Reference, rows: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame | None]:
    """What evaluate decides for ``rows``: the predictions, and class probabilities or None."""
    features = rows[model.contract.feature_columns]
    return decide(model.pipeline, features, model.contract, model.params.evaluate.threshold)


def _output(model: Reference, rows: pd.DataFrame, output: Label | None) -> Values:
    """The probability of class ``output``, or the predicted number if it is PREDICTED_VALUE."""
    predicted, probabilities = _decide(model, rows)
    chosen = predicted if probabilities is None else probabilities[output]
    values: Values = chosen.to_numpy(dtype="float64")
    return values


def _target_range(model: Reference) -> float:
    target = model.train[model.contract.target.column].astype("float64")
    return float(target.max() - target.min())


def test_invariance_to_column_order(model: Reference) -> None:
    """Columns are matched by name, never by position: the same decisions, bit for bit."""
    rows = model.test[model.contract.feature_columns]
    shuffled = rows[list(reversed(rows.columns))]
    threshold = model.params.evaluate.threshold
    predicted, probabilities = decide(model.pipeline, rows, model.contract, threshold)
    predicted_shuffled, probabilities_shuffled = decide(
        model.pipeline, shuffled, model.contract, threshold
    )
    pd.testing.assert_series_equal(predicted_shuffled, predicted, check_exact=True)
    assert (probabilities_shuffled is None) == (probabilities is None)
    if probabilities is not None and probabilities_shuffled is not None:
        pd.testing.assert_frame_equal(probabilities_shuffled, probabilities, check_exact=True)


def test_invariance_to_measurement_noise(model: Reference) -> None:
    """A millionth of relative noise on every number is no reason to change a prediction:
    no class's probability moves by NOISE_TOLERANCE, no predicted number by that share of
    the target's observed range."""
    numeric = model.contract.numeric_features
    rows = model.test
    noise = 1 + 1e-6 * np.random.default_rng(0).standard_normal((len(rows), len(numeric)))
    noisy = rows.assign(
        **{column: rows[column] * noise[:, index] for index, column in enumerate(numeric)}
    )
    predicted, probabilities = _decide(model, rows)
    predicted_noisy, probabilities_noisy = _decide(model, noisy)
    if probabilities is None or probabilities_noisy is None:
        moved = (predicted_noisy.astype("float64") - predicted.astype("float64")).abs()
        limit, unit = NOISE_TOLERANCE * _target_range(model), "in target units"
    else:
        moved = (probabilities_noisy - probabilities).abs().max(axis=1)
        limit, unit = NOISE_TOLERANCE, "of a class's probability"
    assert moved.max() < limit, (
        f"largest move {moved.max():.6g} {unit} (limit {limit:.6g}) at test row {moved.idxmax()}"
    )


def _misnamed(model: Reference, direction: Direction) -> str | None:
    """Why ``direction`` cannot apply to the contract's task, or None if it can."""
    target = model.contract.target
    if target.task == "regression":
        if direction.output is not PREDICTED_VALUE:
            return f"names class {direction.output!r}, but the target is a number"
        return None
    if direction.output not in target.classes:
        return f"names output {direction.output!r}, not one of the classes {list(target.classes)}"
    return None


def test_direction(model: Reference) -> None:
    """Changes with a known effect move the named output the expected way."""
    directions = _expectations(DIRECTIONS, model, "DIRECTIONS")
    rows = model.test
    problems = []
    for direction in directions:
        misnamed = _misnamed(model, direction)
        if misnamed is not None:
            problems.append(f"{direction.description}: {misnamed}")
            continue
        if direction.output is PREDICTED_VALUE:
            name = f"predicted {model.contract.target.column}"
        else:
            name = f"P({direction.output!r})"
        before = _output(model, rows, direction.output)
        moved = _output(model, direction.change(rows), direction.output) - before
        expected_way = moved if direction.rises else -moved
        way, wrong_way = ("rise", "fell") if direction.rises else ("fall", "rose")
        if expected_way.min() < -direction.tolerance:
            worst = int(expected_way.argmin())
            problems.append(
                f"{direction.description}: {name} {wrong_way} by {-expected_way.min():.4g} > "
                f"{direction.tolerance} at test row {rows.index[worst]} (from {before[worst]:.4g})"
            )
        if expected_way.mean() < direction.mean_change:
            problems.append(
                f"{direction.description}: {name} moved by {moved.mean():+.4g} on average; "
                f"expected to {way} by at least {direction.mean_change}"
            )
    assert not problems, "; ".join(problems)


def _most_typical(model: Reference, train_rows: pd.Series, test_rows: pd.Series) -> pd.DataFrame:
    """The ``test_rows`` nearest the median of the ``train_rows`` (boolean masks).

    Distance is the mean absolute difference over numeric features, each divided by
    its interquartile range, so no single large-valued feature dominates.
    """
    numeric = model.contract.numeric_features
    train = model.train[numeric].astype("float64")
    spread = (train.quantile(0.75) - train.quantile(0.25)).replace(0.0, 1.0)
    centre = train[train_rows].median()
    candidates = model.test[test_rows]
    distance = ((candidates[numeric].astype("float64") - centre) / spread).abs().mean(axis=1)
    return candidates.loc[distance.nsmallest(TYPICAL_ROWS).index]


def test_minimum_functionality_on_the_most_typical_rows_of_each_class(model: Reference) -> None:
    """The most typical cases of each class are classified right, and confidently."""
    _require_task(model, "binary", "multiclass")
    confidence = _expectations(TYPICAL_CONFIDENCE, model, "TYPICAL_CONFIDENCE")
    target = model.contract.target
    wrong = []
    for label in target.classes:
        rows = _most_typical(
            model, model.train[target.column] == label, model.test[target.column] == label
        )
        if rows.empty:
            wrong.append(f"no test rows of class {label!r} to check")
            continue
        predicted, probabilities = _decide(model, rows)
        assert probabilities is not None
        for index, called, own in zip(rows.index, predicted, probabilities[label], strict=True):
            if called != label or own < confidence:
                wrong.append(
                    f"typical {label!r} row {index}: called {called!r}, P({label!r}) = {own:.3f}"
                )
    assert not wrong, (
        f"typical rows not called their class with P(own class) >= {confidence}: "
        + "; ".join(wrong)
    )


def test_minimum_functionality_on_the_most_typical_low_and_high_targets(model: Reference) -> None:
    """The most typical rows of the lowest tenth of the target are all predicted lower,
    by a margin, than the most typical rows of the highest tenth."""
    _require_task(model, "regression")
    separation = _expectations(TYPICAL_SEPARATION, model, "TYPICAL_SEPARATION")
    column = model.contract.target.column
    train_target = model.train[column].astype("float64")
    test_target = model.test[column].astype("float64")
    low, high = train_target.quantile(0.1), train_target.quantile(0.9)
    typical_low = _most_typical(model, train_target <= low, test_target <= low)
    typical_high = _most_typical(model, train_target >= high, test_target >= high)
    assert not typical_low.empty, f"no test rows with {column} at most {low:g} to check"
    assert not typical_high.empty, f"no test rows with {column} at least {high:g} to check"
    predicted_low, _ = _decide(model, typical_low)
    predicted_high, _ = _decide(model, typical_high)
    gap = predicted_high.min() - predicted_low.max()
    assert gap >= separation, (
        f"typical rows with {column} <= {low:g} predicted up to {predicted_low.max():.4g} "
        f"(row {predicted_low.idxmax()}), typical rows with {column} >= {high:g} from "
        f"{predicted_high.min():.4g} (row {predicted_high.idxmin()}): a gap of {gap:.4g}, "
        f"expected at least {separation}"
    )
