"""Layer 3: the generated tests bite. Plant one bug at a time and watch the tests fail.

Each bug is a small, plausible edit of the kind a tired developer makes and a code
review misses: the model still trains and predicts, just worse or differently (the
seed article's fear: "it will produce some results; they just won't be accurate").
The unmodified project passes `make check` (test_generated_project.py), so a failure
here is the planted bug's doing. The terminal summary lists which tests caught each.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import PLANTED_BUGS_REPORT, BakedProject, ready

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Bug:
    name: str
    file: str  # relative to the package folder
    correct: str
    planted: str
    # A test id that must be among those that fail: the test meant to catch this bug.
    caught_by: str = ""


BUGS = [
    Bug(
        "outlier clipping skipped",
        "features/quantile_clipper.py",
        "clipped: FloatArray = np.clip(data, self.lower_bounds_, self.upper_bounds_)",
        "clipped: FloatArray = data",
    ),
    Bug(
        "scaler centre computed over the whole matrix (wrong axis), not per column",
        "features/column_scaler.py",
        "center = per_column(data, lambda values: float(np.mean(values)))",
        "center = np.full(data.shape[1], float(np.nanmean(data)))",
    ),
    Bug(
        "correlation filter drops the earlier member of a pair instead of the later",
        "features/correlation_filter.py",
        "                keep[later & (correlation[column] > self.threshold)] = False",
        "                if (later & keep & (correlation[column] > self.threshold)).any():\n"
        "                    keep[column] = False",
    ),
    Bug(
        "labels shuffled before training",
        "models/train.py",
        "    labels = target_labels(train[contract.target.column], contract)",
        "    labels = target_labels(train[contract.target.column], contract)\n"
        "    labels = np.random.default_rng(0).permutation(np.asarray(labels))",
    ),
    Bug(
        "a feature silently dropped from the preprocessor",
        "models/train.py",
        "        contract.numeric_features,\n",
        "        contract.numeric_features[:-1],\n",
    ),
    Bug(
        "random seed removed from the train/test split",
        "data/validate.py",
        "random_state=seed",
        "random_state=None",
    ),
    Bug(
        "missing values imputed with zero instead of the learned statistic",
        "features/imputer.py",
        "filled: FloatArray = np.where(np.isnan(data), self.statistics_, data)",
        "filled: FloatArray = np.where(np.isnan(data), 0.0, data)",
    ),
    # Serving and the registry: bugs that only show under load or on a damaged store.
    Bug(
        "each request of a batch answered with the batch's first rows",
        "serving/app.py",
        "future.set_result(scored[start : start + len(records)])",
        "future.set_result(scored[: len(records)])",
        caught_by="test_swaps_under_concurrent_requests_drop_nothing_and_mix_nothing",
    ),
    Bug(
        "the answer names the version serving when it is sent, not the one that scored it",
        "serving/app.py",
        'orjson.dumps({"model_version": served.version, "predictions": scored})',
        'orjson.dumps({"model_version": follower.version, "predictions": scored})',
        caught_by="test_a_swap_during_a_request_leaves_its_answer_to_the_version_that_took_it",
    ),
    Bug(
        "privacy audit compares the training rows with themselves, not with the test rows",
        "models/evaluate.py",
        "    auc = privacy.audit(train_scores, test_scores)",
        "    auc = privacy.audit(train_scores, train_scores)",
        caught_by="test_an_over_fitted_model_trips_the_audit_and_the_default_model_does_not",
    ),
    Bug(
        "a stored file read without checking it against the manifest",
        "registry/store.py",
        "        if found != files[name]:\n            raise ChecksumError(",
        "        if False:\n            raise ChecksumError(",
    ),
    # Monitoring: a drift statistic whose sign flips stops every PSI alert, silently.
    Bug(
        "PSI's log ratio upside down: every shift scores below zero",
        "monitoring/drift.py",
        "return float(np.sum((actual - expected) * np.log(actual / expected)))",
        "return float(np.sum((actual - expected) * np.log(expected / actual)))",
        caught_by="test_the_statistics_are_finite_and_never_negative",
    ),
]
# Per task: bugs that only a multiclass or a regression model can have, each caught in
# the project generated with that task's example (wine, diabetes).
MULTICLASS_BUGS = [
    Bug(
        "class probabilities read in the contract's order, not the model's",
        "models/evaluate.py",
        "{label: probabilities[:, classes.index(str(label))] for label in expected}",
        "{label: probabilities[:, index] for index, label in enumerate(expected)}",
    ),
    Bug(
        "two class-probability columns of predict's output swapped",
        "models/predict.py",
        "            output[probability_column(label)] = probabilities[label]",
        "            swapped = contract.target.classes[::-1][contract.target.classes.index(label)]\n"
        "            output[probability_column(label)] = probabilities[swapped]",
    ),
]
REGRESSION_BUGS = [
    Bug(
        "regression target scaled in training but not at prediction",
        "models/train.py",
        "    labels = target_labels(train[contract.target.column], contract)",
        "    labels = target_labels(train[contract.target.column], contract)\n"
        "    labels = (labels - labels.mean()) / labels.std()",
    ),
    Bug(
        "one slice's rows left out of training (a filter on the wrong value)",
        "models/train.py",
        "    features = train[contract.feature_columns]\n",
        '    train = train[train["sex"].astype(str) != "2"]\n'
        "    features = train[contract.feature_columns]\n",
        caught_by="test_metric_is_no_worse_than_its_golden[rmse[sex=2]]",
    ),
]
FAILED_LINE = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


@contextlib.contextmanager
def planted(project: BakedProject, bug: Bug) -> Iterator[None]:
    """The project with ``bug`` planted; the original source is restored afterwards."""
    path = project.path / "src" / project.answers["package_name"] / bug.file
    source = path.read_text(encoding="utf-8")
    assert source.count(bug.correct) == 1, (
        f"{bug.file}: the code this bug edits has changed; expected exactly one "
        f"{bug.correct!r}. Update BUGS to match the template."
    )
    path.write_text(source.replace(bug.correct, bug.planted), encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(source, encoding="utf-8")


def suite(project: BakedProject, bug: Bug) -> list[str]:
    """The part of the generated suite that must fail with ``bug`` planted.

    The whole suite as `make test` runs it (its pytest, on every core), stopped at the
    first failure: any failing test is a catch, and the rest would only cost minutes.
    A bug meant for one test (``caught_by``) runs that test's file, to the end, so the
    test is seen among the failures.
    """
    command = ["./tools/uv", "run", "--no-sync", "pytest", "-q"]
    if not bug.caught_by:
        return [*command, "-n", "auto", "--dist", "worksteal", "--maxfail=1"]
    function = "def " + bug.caught_by.split("[")[0] + "("
    files = sorted(
        str(path.relative_to(project.path))
        for path in (project.path / "tests").rglob("test_*.py")
        if function in path.read_text(encoding="utf-8")
    )
    assert len(files) == 1, f"expected one test file defining {function!r}, found {files}"
    return [*command, files[0]]


def check_caught(project: BakedProject, bug: Bug) -> None:
    """With ``bug`` planted, the generated test suite fails, by a test."""
    with planted(project, bug):
        result = project.run(*suite(project, bug), check=False, timeout=900)
    caught = sorted(set(FAILED_LINE.findall(result.stdout)))
    PLANTED_BUGS_REPORT.parent.mkdir(exist_ok=True)
    with PLANTED_BUGS_REPORT.open("a", encoding="utf-8") as report:
        report.write(
            f"{bug.name} ({project.answers['example']}): caught by {len(caught)} test(s)\n"
        )
        report.writelines(f"    {test}\n" for test in caught[:8])
        if len(caught) > 8:
            report.write(f"    ... and {len(caught) - 8} more\n")
    assert result.returncode != 0, f"the generated tests passed with the bug planted: {bug.name}"
    assert caught, f"the generated tests failed without a failing test:\n{result.stdout[-3000:]}"
    if bug.caught_by:
        assert any(test.endswith(bug.caught_by) for test in caught), (
            f"{bug.name}: expected {bug.caught_by} among the failures, found {caught}"
        )


@ready("default")
@pytest.mark.parametrize("bug", BUGS, ids=[bug.name for bug in BUGS])
def test_generated_tests_catch_the_planted_bug(project: BakedProject, bug: Bug) -> None:
    check_caught(project, bug)


@ready("example-wine")
@pytest.mark.parametrize("bug", MULTICLASS_BUGS, ids=[bug.name for bug in MULTICLASS_BUGS])
def test_generated_tests_catch_the_planted_multiclass_bug(project: BakedProject, bug: Bug) -> None:
    check_caught(project, bug)


@ready("example-diabetes")
@pytest.mark.parametrize("bug", REGRESSION_BUGS, ids=[bug.name for bug in REGRESSION_BUGS])
def test_generated_tests_catch_the_planted_regression_bug(project: BakedProject, bug: Bug) -> None:
    """Including a bug that harms one slice: the slice's golden fails, not only the whole."""
    check_caught(project, bug)


@ready("default")
def test_a_failed_golden_test_says_what_to_do_if_the_change_was_intended(
    project: BakedProject,
) -> None:
    """A golden failure ends with the way to accept an intended change, and to review it."""
    bug = next(bug for bug in BUGS if bug.name == "labels shuffled before training")
    with planted(project, bug):
        result = project.run(
            "./tools/uv",
            "run",
            "--no-sync",
            "pytest",
            "tests/golden",
            "-q",
            check=False,
            timeout=600,
        )
    assert result.returncode != 0, "the golden tests passed with the labels shuffled"
    assert "FAILED tests/golden/" in result.stdout
    assert "If this change was intended" in result.stdout
    assert "run `make golden-update`, review the old-against-new diff it prints" in result.stdout
