"""Every transformer honours the scikit-learn estimator contract.

``parametrize_with_checks`` runs scikit-learn's own API checks (cloning, pickling,
fit/transform consistency, input validation, feature names, pandas output, ...) on
each transformer, so a ``Pipeline`` or ``GridSearchCV`` can rely on them. One variant
per class is enough for the API (a method only changes the arithmetic, which
``tests/property/`` checks), except the expander, whose two methods delegate to two
different scikit-learn classes.
"""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from {{ cookiecutter.package_name }}.features.transformers import (
    CategoryEncoder,
    ColumnScaler,
    CorrelationFilter,
    Imputer,
    NonLinearExpander,
    QuantileClipper,
)

ESTIMATORS = [
    QuantileClipper(),
    ColumnScaler(method="robust"),
    CorrelationFilter(),
    NonLinearExpander(method="spline"),
    NonLinearExpander(method="polynomial", degree=2),
    Imputer(strategy="median"),
    CategoryEncoder(),
]


@parametrize_with_checks(ESTIMATORS)
def test_scikit_learn_contract(estimator, check):
    check(estimator)
