"""Every transformer honours the scikit-learn estimator contract.

``parametrize_with_checks`` runs scikit-learn's own API checks (cloning, pickling,
fit/transform consistency, input validation, feature names, pandas output, ...) on
each transformer, so a ``Pipeline`` or ``GridSearchCV`` can rely on them. The list is
``features.transformers.__all__``: a new transformer is checked as soon as it is
listed there, with its default parameters. One variant per class is enough for the
API (a method only changes the arithmetic, which ``tests/property/`` checks), except
the expander, whose two methods delegate to two different scikit-learn classes;
``VARIANTS`` names the parameters of the classes checked otherwise than by default.
Each class's docstring shows it at work in an ``Examples`` section, which runs here too.
"""

from __future__ import annotations

import doctest
from typing import Any

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from {{ cookiecutter.package_name }}.features import transformers

VARIANTS: dict[str, list[dict[str, Any]]] = {
    "ColumnScaler": [{"method": "robust"}],
    "NonLinearExpander": [{"method": "spline"}, {"method": "polynomial", "degree": 2}],
}

ESTIMATORS = [
    getattr(transformers, name)(**parameters)
    for name in transformers.__all__
    for parameters in VARIANTS.get(name, [{}])
]


def test_variants_name_listed_transformers() -> None:
    assert set(VARIANTS) <= set(transformers.__all__)


@pytest.mark.parametrize("name", transformers.__all__)
def test_docstring_examples_show_what_happens(name: str) -> None:
    transformer = getattr(transformers, name)
    (examples,) = doctest.DocTestFinder(recurse=False).find(transformer, name)
    assert examples.examples, f"{name}: expected an Examples section in its docstring"
    report: list[str] = []
    result = doctest.DocTestRunner().run(examples, out=report.append)
    assert result.failed == 0, "".join(report)


@parametrize_with_checks(ESTIMATORS)
def test_scikit_learn_contract(estimator, check):
    check(estimator)
