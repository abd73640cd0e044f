"""The convention check: a feature transformer without a property test fails the build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tools.check_property_tests import main, uncovered

from tests.conftest import PROJECT_ROOT

TRANSFORMER = """
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
"""

PROPERTY_TEST = """
from hypothesis import given, strategies as st

from pkg.features.doubling import Doubler


@given(st.integers())
def test_doubler(value):
    assert Doubler().fit(value) is not None
"""


def make_project(root: Path, *, test: str | None) -> Path:
    features = root / "src" / "pkg" / "features"
    features.mkdir(parents=True)
    (features / "__init__.py").write_text("")
    (features / "doubling.py").write_text(TRANSFORMER)
    (root / "tests" / "property").mkdir(parents=True)
    if test is not None:
        (root / "tests" / "property" / "test_doubling.py").write_text(test)
    return root


def test_a_transformer_without_a_property_test_fails_with_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path, test=None)
    assert main([str(root)]) == 1
    message = capsys.readouterr().err.strip()
    assert message == (
        "tools/check_property_tests.py: Doubler (src/pkg/features/doubling.py:7) "
        "has no property test in tests/property/"
    )


def test_a_transformer_with_a_property_test_passes(tmp_path: Path) -> None:
    root = make_project(tmp_path, test=PROPERTY_TEST)
    assert main([str(root)]) == 0


def test_a_mention_in_a_module_without_given_does_not_count(tmp_path: Path) -> None:
    example_only = "from pkg.features.doubling import Doubler\n\ndef test_it():\n    Doubler()\n"
    root = make_project(tmp_path, test=example_only)
    assert [transformer.name for transformer in uncovered(root)] == ["Doubler"]


def test_private_classes_and_non_transformers_are_not_required(tmp_path: Path) -> None:
    root = make_project(tmp_path, test=None)
    assert [transformer.name for transformer in uncovered(root)] == ["Doubler"]


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
