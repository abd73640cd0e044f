"""params.yaml is checked at start-up: every knob's range, every path inside the project.

A value out of range used to crash deep inside scikit-learn (``test_size: 0``) or, worse,
run and overwrite the metrics (``evaluate.threshold: 1.5``); a path with ``..`` wrote
outside the project. Each is now one ``error:`` line naming the key, the value found and
the valid range, before any stage reads or writes a file.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pytest
import yaml

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.config import (
    ENVIRONMENTS,
    Environment,
    Params,
    Range,
    TrainConfig,
    load_params,
)
from {{ cookiecutter.package_name }}.errors import quote
from {{ cookiecutter.package_name }}.models.train import build_estimator

from tests.conftest import PROJECT_ROOT

# Every number knob with a value outside its range, and the words of that range.
OUT_OF_RANGE: list[tuple[str, Any, str]] = [
    ("training_job.cpu", 0, "a number above 0 and at most 64"),
    ("training_job.cpu", 65, "a number above 0 and at most 64"),
    ("training_job.memory_gib", 0, "a number above 0 and at most 512"),
    ("training_job.memory_gib", 513, "a number above 0 and at most 512"),
    ("seed", -1, "an integer from 0 to 4,294,967,295"),
    ("seed", 2**32, "an integer from 0 to 4,294,967,295"),
    ("data.test_size", 0, "a number above 0 and below 1"),
    ("data.test_size", 1, "a number above 0 and below 1"),
    ("data.test_size", 1.5, "a number above 0 and below 1"),
    ("features.outliers.lower_quantile", -0.1, "a number of at least 0 and below 1"),
    ("features.outliers.lower_quantile", 1, "a number of at least 0 and below 1"),
    ("features.outliers.upper_quantile", 0, "a number above 0 and at most 1"),
    ("features.outliers.upper_quantile", 1.01, "a number above 0 and at most 1"),
    ("features.correlation.threshold", -0.5, "a number from 0 to 1"),
    ("features.correlation.threshold", 1.5, "a number from 0 to 1"),
    ("features.nonlinear.n_knots", 1, "an integer from 2 to 100"),
    ("features.nonlinear.n_knots", 101, "an integer from 2 to 100"),
    ("features.nonlinear.degree", 0, "an integer from 1 to 5"),
    ("features.nonlinear.degree", 6, "an integer from 1 to 5"),
    ("features.encoding.max_categories", 0, "an integer of at least 1"),
    ("train.linear.C", 0, "a number above 0"),
    ("train.linear.C", -1, "a number above 0"),
    ("train.linear.C", float("inf"), "a number above 0"),
    ("train.linear.C", float("nan"), "a number above 0"),
    ("train.linear.max_iter", 0, "an integer of at least 1"),
    ("train.random_forest.n_estimators", 0, "an integer of at least 1"),
    ("train.random_forest.max_depth", 0, "an integer of at least 1"),
    ("train.hist_gradient_boosting.max_iter", 0, "an integer of at least 1"),
    ("train.hist_gradient_boosting.learning_rate", 0, "a number above 0 and at most 1"),
    ("train.hist_gradient_boosting.learning_rate", 1.5, "a number above 0 and at most 1"),
    ("train.hist_gradient_boosting.max_leaf_nodes", 1, "an integer of at least 2"),
    ("train.hist_gradient_boosting.l2_regularization", -0.1, "a number of at least 0"),
    ("evaluate.threshold", 0, "a number above 0 and below 1"),
    ("evaluate.threshold", 1, "a number above 0 and below 1"),
    ("evaluate.threshold", 1.5, "a number above 0 and below 1"),
    ("evaluate.privacy.max_membership_auc", 0.4, "a number from 0.5 to 1"),
    ("evaluate.privacy.max_membership_auc", 1.1, "a number from 0.5 to 1"),
    ("monitoring.psi", 0, "a number above 0"),
    ("monitoring.p_value", 0, "a number above 0 and below 1"),
    ("monitoring.p_value", 1, "a number above 0 and below 1"),
    ("monitoring.missing_rate_change", 0, "a number above 0 and at most 1"),
    ("monitoring.new_category_share", 1.5, "a number above 0 and at most 1"),
    ("monitoring.chunk_rows", 0, "an integer of at least 1"),
    ("monitoring.prediction_rows", 0, "an integer of at least 1"),
]

# Knobs that are not numbers: a value of the wrong kind, and what the message expects.
WRONG_KIND: list[tuple[str, Any, str]] = [
    ("data.target", "", "a column name"),
    ("data.source", "", "a path inside the project"),
    ("features.imputation.enabled", "yes", "bool"),
    ("features.imputation.strategy", "mode", "one of ['mean', 'median']"),
    ("features.outliers.enabled", 1, "bool"),
    ("features.scaling.enabled", "no", "bool"),
    ("features.scaling.method", "minmax", "one of ['standard', 'robust']"),
    ("features.correlation.enabled", None, "bool"),
    ("features.nonlinear.enabled", "off", "bool"),
    ("features.nonlinear.method", "cubic", "one of ['spline', 'polynomial']"),
    ("features.encoding.enabled", 0, "bool"),
    (
        "train.model",
        "svm",
        "one of ['linear', 'random_forest', 'hist_gradient_boosting']",
    ),
    ("train.linear.max_iter", 1.5, "int"),
    ("train.linear.max_iter", None, "int, found NoneType"),
    ("train.random_forest.max_depth", 2.5, "int or null"),
    ("train.random_forest.max_depth", "deep", "int or null"),
    ("train.random_forest", 3, "a mapping"),
    ("features.calendar.enabled", "yes", "bool"),
    ("features.calendar.parts", "month", "a non-empty list"),
    ("features.calendar.parts", [], "a non-empty list"),
]

CALENDAR_PARTS = "['year', 'month', 'day_of_week', 'day_of_year', 'hour', 'minute']"

PATH_KEYS = [
    "data.contract",
    "data.raw_path",
    "data.train_path",
    "data.test_path",
    "train.model_path",
    "evaluate.metrics_path",
    "evaluate.plots_dir",
]


def _ranged_knobs(cls: type[Any] = Params, prefix: str = "") -> dict[str, Range]:
    """Every field that declares a range, by its dotted key in params.yaml."""
    found: dict[str, Range] = {}
    for field in dataclasses.fields(cls):
        key = f"{prefix}{field.name}"
        default = field.default
        if dataclasses.is_dataclass(default):
            found.update(_ranged_knobs(type(default), f"{key}."))
        elif isinstance(field.metadata.get("range"), Range):
            found[key] = field.metadata["range"]
    return found


def _write_params(tmp_path: Path, key: str, value: Any) -> Path:
    """The shipped params.yaml with one key changed, in a project folder of its own."""
    params = yaml.safe_load((PROJECT_ROOT / "params.yaml").read_text(encoding="utf-8"))
    node = params
    *parents, leaf = key.split(".")
    for parent in parents:
        node = node[parent]
    node[leaf] = value
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return path


def _one_error(path: Path, capsys: pytest.CaptureFixture[str], *command: str) -> str:
    assert main(["--params", str(path), *(command or ("show-config",))]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("error: ")
    return captured.err.strip()


def test_the_shipped_params_pass() -> None:
    load_params(PROJECT_ROOT / "params.yaml")


def test_an_optional_knob_takes_null_or_a_value_in_its_range(tmp_path: Path) -> None:
    """``max_depth: null`` leaves the trees unlimited; a number is held to its range."""
    unset = load_params(_write_params(tmp_path, "train.random_forest.max_depth", None))
    assert unset.train.random_forest.max_depth is None
    limited = load_params(_write_params(tmp_path, "train.random_forest.max_depth", 3))
    assert limited.train.random_forest.max_depth == 3


def test_each_model_has_a_section_and_reads_only_its_own(tmp_path: Path) -> None:
    """``train.model`` names a section of ``train:``; the estimator gets that section's knobs."""
    models = set(get_args(get_type_hints(TrainConfig)["model"]))
    sections = {field.name for field in dataclasses.fields(TrainConfig)}
    assert models <= sections
    path = _write_params(tmp_path, "train.model", "random_forest")
    text = path.read_text(encoding="utf-8").replace("max_depth: null", "max_depth: 4")
    path.write_text(text.replace("C: 1.0", "C: 0.5"), encoding="utf-8")
    forest = build_estimator(load_params(path), "binary")
    assert (type(forest).__name__, forest.max_depth, forest.n_estimators) == (
        "RandomForestClassifier",
        4,
        200,
    )
    linear = build_estimator(load_params(_write_params(tmp_path, "train.linear.C", 2)), "binary")
    assert (type(linear).__name__, linear.C, linear.max_iter) == ("LogisticRegression", 2.0, 2000)
    path = _write_params(tmp_path, "train.model", "hist_gradient_boosting")
    text = path.read_text(encoding="utf-8").replace("learning_rate: 0.1", "learning_rate: 0.05")
    text = text.replace("l2_regularization: 0.0", "l2_regularization: 0.5")
    path.write_text(text.replace("max_leaf_nodes: 31", "max_leaf_nodes: 7"), encoding="utf-8")
    boosting = build_estimator(load_params(path), "multiclass")
    assert type(boosting).__name__ == "HistGradientBoostingClassifier"
    assert boosting.random_state == 42  # params.yaml's seed
    assert (boosting.max_iter, boosting.learning_rate, boosting.max_leaf_nodes) == (200, 0.05, 7)
    assert (boosting.l2_regularization, boosting.early_stopping) == (0.5, False)


def test_the_environments_are_named_once() -> None:
    assert ENVIRONMENTS == get_args(Environment) == ("dev", "test", "uat", "live")


@pytest.mark.parametrize(("key", "value", "expected"), OUT_OF_RANGE)
def test_out_of_range_value_is_one_line_naming_key_value_and_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: Any, expected: str
) -> None:
    path = _write_params(tmp_path, key, value)
    error = _one_error(path, capsys)
    assert error == f"error: {path}.{key}: expected {expected}, found {quote(value)}"


def test_every_ranged_knob_is_tested_out_of_range() -> None:
    """A knob given a range later gets a row in OUT_OF_RANGE, or this fails."""
    assert set(_ranged_knobs()) == {key for key, _, _ in OUT_OF_RANGE}


def test_every_range_is_documented_in_params_yaml() -> None:
    """The comment beside each knob in params.yaml states the range config.py checks."""
    lines = (PROJECT_ROOT / "params.yaml").read_text(encoding="utf-8").splitlines()
    documented: dict[str, str] = {}
    parents: list[tuple[int, str]] = []
    for line in lines:
        match = re.match(r"^( *)([A-Za-z_][A-Za-z0-9_]*):(.*)$", line)
        if not match:
            continue
        indent, name, rest = len(match[1]), match[2], match[3]
        parents = [(depth, key) for depth, key in parents if depth < indent]
        documented[".".join([key for _, key in parents] + [name])] = rest
        parents.append((indent, name))
    for key, bounds in _ranged_knobs().items():
        assert bounds.describe() in documented[key], f"{key}: params.yaml should say {bounds}"


@pytest.mark.parametrize(("key", "value", "expected"), WRONG_KIND)
def test_wrong_kind_of_value_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: Any, expected: str
) -> None:
    path = _write_params(tmp_path, key, value)
    error = _one_error(path, capsys)
    assert error.startswith(f"error: {path}.{key}: expected {expected}")
    assert quote(value) in error


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["month", "week"], f"parts[1]: expected one of {CALENDAR_PARTS}, found 'week'"),
        (["hour", 3], f"parts[1]: expected one of {CALENDAR_PARTS}, found 3"),
        (
            ["hour", "month", "hour"],
            "parts: expected each value once, found ['hour'] more than once",
        ),
    ],
)
def test_calendar_parts_are_known_parts_each_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], parts: list[Any], expected: str
) -> None:
    path = _write_params(tmp_path, "features.calendar.parts", parts)
    assert _one_error(path, capsys) == f"error: {path}.features.calendar.{expected}"


def test_calendar_parts_are_read_in_order_as_written(tmp_path: Path) -> None:
    path = _write_params(tmp_path, "features.calendar.parts", ["minute", "year"])
    assert load_params(path).features.calendar.parts == ("minute", "year")


def test_the_calendar_parts_are_the_encoders() -> None:
    """params.yaml's list of parts is the one CalendarEncoder knows (named twice: config
    may not import features)."""
    from {{ cookiecutter.package_name }}.config import CalendarPart
    from {{ cookiecutter.package_name }}.features.calendar_encoder import PARTS

    assert get_args(CalendarPart) == PARTS


def test_quantiles_must_keep_their_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_params(tmp_path, "features.outliers.lower_quantile", 0.995)
    error = _one_error(path, capsys)
    assert error == (
        f"error: {path}.features.outliers: expected lower_quantile below upper_quantile, "
        "found lower_quantile 0.995 and upper_quantile 0.99"
    )


@pytest.mark.parametrize("key", [*PATH_KEYS, "data.source"])
def test_a_path_leading_out_of_the_project_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    path = _write_params(tmp_path, key, "../../outside.csv")
    error = _one_error(path, capsys)
    assert error.startswith(f"error: {path}.{key}: expected a path inside the project folder")
    assert "'../../outside.csv'" in error
    assert str(tmp_path.parent.parent / "outside.csv") in error


@pytest.mark.parametrize("key", [*PATH_KEYS, "data.source"])
def test_an_absolute_path_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    path = _write_params(tmp_path, key, "/tmp/elsewhere.csv")
    error = _one_error(path, capsys)
    assert error == (
        f"error: {path}.{key}: expected a path relative to the project folder, "
        "found the absolute path '/tmp/elsewhere.csv'"
    )


def test_a_symlink_leading_out_of_the_project_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``data/raw`` a link to a folder outside: the resolved path is what counts."""
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (project / "data").mkdir()
    (project / "data" / "raw").symlink_to(outside, target_is_directory=True)
    path = _write_params(project, "data.raw_path", "data/raw/dataset.csv")
    error = _one_error(path, capsys)
    assert error.startswith(f"error: {path}.data.raw_path: expected a path inside the project")
    assert f"which leads to {outside.resolve() / 'dataset.csv'}" in error


def test_two_outputs_may_not_share_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_params(tmp_path, "data.test_path", "data/processed/train.csv")
    error = _one_error(path, capsys)
    assert error == (
        f"error: {path}.data.test_path: expected a file of its own, found "
        "'data/processed/train.csv', the same path as data.train_path"
    )


def test_a_bad_knob_stops_the_stage_before_it_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ingest`` with ``seed: -1``: exit 2, and no raw file appears."""
    monkeypatch.chdir(tmp_path)
    path = _write_params(tmp_path, "seed", -1)
    error = _one_error(path, capsys, "ingest")
    assert "seed" in error
    assert not (tmp_path / "data").exists()


def test_a_huge_value_is_quoted_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write_params(tmp_path, "train.model", "x" * 100_000)
    error = _one_error(path, capsys)
    assert len(error) < 300
    assert "... (100,000 characters)" in error


def test_a_directory_as_params_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    error = _one_error(tmp_path, capsys)
    assert error == f"error: {tmp_path}: is a directory (expected the parameter file)"


def test_ranges_describe_themselves() -> None:
    assert Range(above=0, below=1).describe() == "above 0 and below 1"
    assert Range(at_least=2, at_most=100).describe() == "from 2 to 100"
    assert 0.5 in Range(above=0, below=1)
    assert float("nan") not in Range(above=0)
    assert 10**400 not in Range(at_most=2**32 - 1)
