"""The convention check: a feature transformer without a property test fails the build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tools.check_property_tests import main, problems

from tests.conftest import PROJECT_ROOT

TRANSFORMER = """
__all__ = ["Doubler", "double"]


class _Base:
    def transform(self, X):
        return X


class Doubler(_Base):
    def fit(self, X, y=None):
        return self


class _Private:
    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X


class NotATransformer:
    def fit(self, X, y=None):
        return self


def double(x):
    return 2 * x
"""

PROPERTY_TEST = """
from hypothesis import given, strategies as st

from pkg.features.transformers import Doubler


@given(st.integers())
def test_doubler(value):
    assert Doubler().fit(value) is not None
"""

ESTIMATOR_CHECKS = """
from sklearn.utils.estimator_checks import parametrize_with_checks

from pkg.features.transformers import Doubler

ESTIMATORS = [Doubler()]


@parametrize_with_checks(ESTIMATORS)
def test_scikit_learn_contract(estimator, check):
    check(estimator)
"""
DOUBLER = "Doubler (src/pkg/features/transformers.py:10)"


def make_project(
    root: Path,
    *,
    test: str | None = PROPERTY_TEST,
    checks: str | None = ESTIMATOR_CHECKS,
    module: str = TRANSFORMER,
) -> Path:
    features = root / "src" / "pkg" / "features"
    features.mkdir(parents=True)
    (features / "__init__.py").write_text("")
    (features / "transformers.py").write_text(module)
    (root / "tests" / "property").mkdir(parents=True)
    (root / "tests" / "unit").mkdir(parents=True)
    if test is not None:
        (root / "tests" / "property" / "test_doubling.py").write_text(test)
    if checks is not None:
        (root / "tests" / "unit" / "test_transformers_sklearn.py").write_text(checks)
    return root


def test_a_transformer_with_a_property_test_and_estimator_checks_passes(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert main([str(root)]) == 0


def test_a_transformer_without_a_property_test_fails_with_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path, test=None)
    assert main([str(root)]) == 1
    message = capsys.readouterr().err.strip()
    assert message == (
        f"tools/check_property_tests.py: {DOUBLER} has no property test in tests/property/"
    )


def test_a_transformer_without_estimator_checks_fails_with_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Imported in the estimator-checks module but left out of the list: not checked."""
    imported_only = ESTIMATOR_CHECKS.replace("ESTIMATORS = [Doubler()]", "ESTIMATORS = []")
    root = make_project(tmp_path, checks=imported_only)
    assert main([str(root)]) == 1
    message = capsys.readouterr().err.strip()
    assert message == (
        f"tools/check_property_tests.py: {DOUBLER} is not run through scikit-learn's "
        "estimator checks; expected an instance in the list given to "
        "parametrize_with_checks in tests/unit/test_transformers_sklearn.py"
    )
    assert problems(make_project(tmp_path / "no-file", checks=None)) == [message.split(": ", 1)[1]]


def test_a_mention_in_a_module_without_given_does_not_count(tmp_path: Path) -> None:
    example_only = (
        "from pkg.features.transformers import Doubler\n\ndef test_it():\n    Doubler()\n"
    )
    root = make_project(tmp_path, test=example_only)
    assert problems(root) == [f"{DOUBLER} has no property test in tests/property/"]


def test_a_transformer_left_out_of_all_fails(tmp_path: Path) -> None:
    """A new transformer cannot dodge both checks by staying out of __all__."""
    module = TRANSFORMER + "\n\nclass Halver:\n    def fit(self, X):\n        return self\n\n"
    module += "    def transform(self, X):\n        return X\n"
    root = make_project(tmp_path, module=module)
    (message,) = problems(root)
    assert message.startswith("Halver (src/pkg/features/transformers.py:")
    assert message.endswith(
        "has fit and transform but is not in __all__; expected every "
        "public transformer listed there"
    )


def test_private_classes_functions_and_non_transformers_are_not_required(tmp_path: Path) -> None:
    root = make_project(tmp_path, test=None, checks=None)
    assert {problem.split(" ", 1)[0] for problem in problems(root)} == {"Doubler"}


def test_a_module_without_all_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path, module=TRANSFORMER.replace("__all__", "EXPORTS"))
    assert main([str(root)]) == 2
    assert capsys.readouterr().err.strip() == (
        "tools/check_property_tests.py: src/pkg/features/transformers.py: no __all__; "
        "expected the list of the module's transformers"
    )


SPLIT_BASE = """
class _Base:
    def fit(self, X, y=None):
        return self._fit(X)

    def transform(self, X):
        return X
"""

SPLIT_DOUBLER = """
from pkg.features._base import _Base


class Doubler(_Base):
    def _fit(self, X):
        return self
"""

SPLIT_LIST = """
from pkg.features.doubler import Doubler

__all__ = ["Doubler"]
"""


def test_a_transformer_in_its_own_module_is_found_where_it_is_defined(
    tmp_path: Path,
) -> None:
    """The layout the template uses: one module per transformer, ``__all__`` elsewhere."""
    root = make_project(tmp_path, module=SPLIT_LIST, test=None)
    features = root / "src" / "pkg" / "features"
    (features / "_base.py").write_text(SPLIT_BASE)
    (features / "doubler.py").write_text(SPLIT_DOUBLER)
    assert problems(root) == [
        "Doubler (src/pkg/features/doubler.py:5) has no property test in tests/property/"
    ]
    (features / "halver.py").write_text(SPLIT_DOUBLER.replace("Doubler", "Halver"))
    assert problems(root)[0] == (
        "Halver (src/pkg/features/halver.py:5) has fit and transform but is not in "
        "__all__; expected every public transformer listed there"
    )


def test_estimator_checks_that_read_all_cover_every_listed_transformer(tmp_path: Path) -> None:
    from_the_list = ESTIMATOR_CHECKS.replace(
        "from pkg.features.transformers import Doubler",
        "from pkg.features import transformers",
    ).replace(
        "ESTIMATORS = [Doubler()]",
        "ESTIMATORS = [getattr(transformers, name)() for name in transformers.__all__]",
    )
    assert problems(make_project(tmp_path, checks=from_the_list)) == []


def test_a_folder_that_is_not_a_project_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path)]) == 2
    assert "no src/ folder" in capsys.readouterr().err


def test_this_project_passes_as_a_script() -> None:
    result = subprocess.run(
        [sys.executable, "tools/check_property_tests.py"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
