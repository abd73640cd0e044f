"""Scikit-learn compatible transformers for quirky tabular data: the public list.

Real data has outliers, columns on wildly different scales, near-duplicate columns,
non-linear relations, gaps and text categories. Each transformer treats one of these,
in a module of its own in this package (``features/<name>.py``, holding only its
maths); the plumbing they share (parameter checks, input validation, feature names,
estimator tags) is the private base class in ``features/_base.py``. Each follows the
scikit-learn estimator contract (parameters stored untouched in ``__init__``, learned
state in trailing-underscore attributes set by ``fit``, ``get_feature_names_out`` for
``set_output(transform="pandas")``) and passes scikit-learn's estimator checks
(``tests/unit/test_transformers_sklearn.py``); ``tests/property/`` states and checks
what each one promises for every input hypothesis can find.

They are small on purpose: our own readable code, so the template's planted-bug tests
can break them and show that the property tests notice.

Errors caused by the data or the parameters raise
:class:`~{{ cookiecutter.package_name }}.errors.InputError` (a ``ValueError``) naming the
transformer, the column and what was expected.
"""

from __future__ import annotations

from {{ cookiecutter.package_name }}.features.calendar_encoder import CalendarEncoder
from {{ cookiecutter.package_name }}.features.category_encoder import CategoryEncoder
from {{ cookiecutter.package_name }}.features.column_scaler import ColumnScaler
from {{ cookiecutter.package_name }}.features.correlation_filter import CorrelationFilter
from {{ cookiecutter.package_name }}.features.imputer import Imputer
from {{ cookiecutter.package_name }}.features.nonlinear_expander import NonLinearExpander
from {{ cookiecutter.package_name }}.features.quantile_clipper import QuantileClipper

# The transformers the package offers: the one list. tools/check_property_tests.py
# reads it (each needs a property test in tests/property/), the scikit-learn estimator
# checks (tests/unit/test_transformers_sklearn.py) run on each, and each has its step
# in features/pipeline.py's table (tests/unit/test_feature_pipeline.py checks that).
__all__ = [
    "CalendarEncoder",
    "CategoryEncoder",
    "ColumnScaler",
    "CorrelationFilter",
    "Imputer",
    "NonLinearExpander",
    "QuantileClipper",
]
