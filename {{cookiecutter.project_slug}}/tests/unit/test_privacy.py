"""The privacy audit (models/privacy.py): the loss-threshold membership-inference attack
of Yeom et al. (2018) scores an over-fitted model as leaky and the default one as not,
and evaluate stops above the limit, keeping the last reports.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params, PrivacyConfig, RandomForestConfig
from {{ cookiecutter.package_name }}.data import validate
from {{ cookiecutter.package_name }}.data.contract import TargetRule
from {{ cookiecutter.package_name }}.models import evaluate, privacy, train
from {{ cookiecutter.package_name }}.models.metrics import MEMBERSHIP_AUC, Scores

from tests.unit.mini_dataset import CONTRACT, mini_frame, write_project

BINARY = TargetRule("label", "binary", values=("no", "yes"), positive="yes")
REGRESSION = TargetRule("label", "regression", minimum=0.0, maximum=10.0)


def _binary(actual: list[str], p_yes: list[float]) -> Scores:
    probabilities = pd.DataFrame({"no": [1 - p for p in p_yes], "yes": p_yes})
    predicted = pd.Series(["yes" if p >= 0.5 else "no" for p in p_yes])
    return Scores(pd.Series(actual), predicted, probabilities, BINARY)


def test_the_loss_of_a_record_is_the_cross_entropy_of_its_class() -> None:
    losses = privacy.record_losses(_binary(["yes", "no", "yes"], [0.9, 0.2, 0.0]))
    expected = [-np.log(0.9), -np.log(0.8), -np.log(privacy.SMALLEST_PROBABILITY)]
    assert losses == pytest.approx(expected)


def test_the_loss_of_a_regression_record_is_its_squared_error() -> None:
    scores = Scores(pd.Series([1.0, 4.0]), pd.Series([2.0, 1.0]), None, REGRESSION)
    assert privacy.record_losses(scores) == pytest.approx([1.0, 9.0])


def test_the_standard_error_of_the_auc_shrinks_with_more_rows() -> None:
    """Hanley and McNeil's (1982) table: AUC 0.8 on 50 + 50 rows, SE about 0.044."""
    assert privacy.standard_error(0.8, 50, 50) == pytest.approx(0.044, abs=0.001)
    assert privacy.standard_error(0.8, 500, 500) < privacy.standard_error(0.8, 50, 50) / 3


def test_the_auc_is_one_half_when_losses_do_not_differ_and_one_when_they_do() -> None:
    same = np.array([0.1, 0.5, 0.9, 0.3])
    assert privacy.membership_auc(same, same.copy()) == pytest.approx(0.5)
    assert privacy.membership_auc(np.array([0.01, 0.02]), np.array([0.5, 0.9])) == 1.0
    # A model that fits its test rows better than its training rows leaks nothing either.
    assert privacy.membership_auc(np.array([0.5, 0.9]), np.array([0.01, 0.02])) == 0.0


def test_the_audit_compares_training_rows_with_test_rows() -> None:
    members = _binary(["yes", "no"], [0.99, 0.01])  # learnt by heart
    others = _binary(["yes", "no"], [0.6, 0.4])
    assert privacy.audit(members, others) == 1.0
    assert privacy.audit(others, members) == 0.0


def test_the_limit_names_the_auc_and_the_params_key() -> None:
    privacy.check_limit(0.6, 0.6, 300, 100)
    with pytest.raises(privacy.PrivacyAuditError) as error:
        privacy.check_limit(0.75, 0.6, 300, 100)
    assert (
        "membership-inference AUC 0.7500 (standard error 0.03 on 300 training and 100 test "
        "rows) is above the limit 0.6"
    ) in str(error.value)
    assert privacy.LIMIT_KEY in str(error.value)


def _noisy(rows: int = 200) -> pd.DataFrame:
    """The mini data with a quarter of its labels flipped at random: noise to learn by heart."""
    frame = mini_frame(rows=rows, seed=5)
    flip = np.random.default_rng(5).random(rows) < 0.25
    label = frame["label"].where(~flip, frame["label"].map({"yes": "no", "no": "yes"}))
    return frame.assign(label=label)


def _trained(folder: Path, model: str) -> Params:
    params = write_project(folder, _noisy(), CONTRACT)
    params = dataclasses.replace(
        params,
        evaluate=dataclasses.replace(params.evaluate, privacy=PrivacyConfig()),  # the default
        train=dataclasses.replace(
            params.train,
            model=model,  # type: ignore[arg-type]
            random_forest=RandomForestConfig(n_estimators=50, max_depth=None),
        ),
    )
    validate.run(params)
    train.run(params)
    return params


def test_an_over_fitted_model_trips_the_audit_and_the_default_model_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default = _trained(tmp_path / "linear", "linear")
    evaluate.run(default)
    written = json.loads(Path(default.evaluate.metrics_path).read_text(encoding="utf-8"))
    limit = PrivacyConfig().max_membership_auc
    assert 0.4 < written[MEMBERSHIP_AUC.name] <= limit

    # Fully grown trees on noisy labels: each training row is in a pure leaf.
    overfit = _trained(tmp_path / "forest", "random_forest")
    metrics_path = Path(overfit.evaluate.metrics_path)
    metrics_path.parent.mkdir(parents=True, exist_ok=True)
    metrics_path.write_text('{"accuracy": 0.5}\n', encoding="utf-8")
    with pytest.raises(privacy.PrivacyAuditError, match=r"is above the limit 0\.6"):
        evaluate.run(overfit)
    assert metrics_path.read_text(encoding="utf-8") == '{"accuracy": 0.5}\n'  # kept
    capsys.readouterr()
