"""CategoryEncoder: one-hot encoding that is safe for categories unseen in training."""

from __future__ import annotations

import numbers
from collections import Counter
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.utils.validation import validate_data

from {{ cookiecutter.package_name }}.features._base import (
    FloatArray,
    IntegerAtLeast,
    NameArray,
    Transformer,
    column_names,
    parameter_checks,
)


def _missing_marker(value: Any) -> bool:
    """Whether ``value`` is one of pandas' missing markers other than NaN (a number)."""
    return value is None or value is pd.NA or value is pd.NaT


class CategoryEncoder(Transformer):
    """One-hot encode categorical columns, safe for categories never seen in training.

    For each column, ``fit`` learns its categories, most frequent first (ties in the
    order of their text), at most ``max_categories``; each becomes an indicator
    column ``<column>_<category>``. A value that is missing (None, NaN, pd.NA, NaT),
    rarer than the kept categories, or unseen in training is encoded as all zeros in its
    column's block: "none of the known categories". No "other" column is added.

    Numeric input is treated as codes: each distinct number is a category.

    Parameters
    ----------
    max_categories : int, default=20
        The most frequent categories of a column that get a column each (at least 1).

    Attributes
    ----------
    categories_ : list of ndarray of object
        The kept categories of each input column, most frequent first.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"island": ["Dream", "Biscoe", "Dream", None]})
    >>> encoder = CategoryEncoder().fit(frame)
    >>> encoder.get_feature_names_out().tolist()
    ['island_Dream', 'island_Biscoe']
    >>> encoder.transform(pd.DataFrame({"island": ["Biscoe", "Atlantis"]})).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """

    _parameter_checks = parameter_checks(max_categories=IntegerAtLeast(1))
    categories_: list[NameArray]

    def __init__(self, max_categories: int = 20) -> None:
        self.max_categories = max_categories

    def _validate(self, X: Any, *, reset: bool) -> Any:
        """Any values, as an object matrix (missing values allowed): numbers are codes."""
        return validate_data(self, X, reset=reset, dtype=None, ensure_all_finite="allow-nan")

    def _fit(self, data: npt.NDArray[Any]) -> None:
        names = column_names(self, data.shape[1])
        self.categories_ = [
            self._learn_categories(data[:, index], name) for index, name in enumerate(names)
        ]
        name_counts = Counter(self.get_feature_names_out())
        duplicates = sorted(name for name, count in name_counts.items() if count > 1)
        if duplicates:
            raise self._fail(
                f"categories give duplicate column names {duplicates}; expected distinct "
                "category texts within a column (e.g. not both 1 and '1')"
            )

    def _learn_categories(self, column: npt.NDArray[Any], name: str) -> NameArray:
        if column.dtype == object:
            for row, value in enumerate(column):
                if not (isinstance(value, str | numbers.Number) or _missing_marker(value)):
                    raise TypeError(
                        f"CategoryEncoder: column {name!r} holds a {type(value).__name__} at "
                        f"row {row}; argument must be a string or a number (or missing)"
                    )
        observed = column[~pd.isna(column)]
        counts = Counter(observed.tolist())  # Python values, in order of first appearance
        ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        return np.asarray([value for value, _ in ranked[: self.max_categories]], dtype=object)

    def _transform(self, data: npt.NDArray[Any]) -> FloatArray:
        data = data.astype(object)  # compare as Python values: 1 == 1.0, NaN matches nothing
        # Any missing marker (None, NaN, pd.NA, NaT) becomes None, which matches no kept
        # category: pd.NA == category is pd.NA, which numpy cannot read as a bool.
        data[pd.isna(data)] = None
        blocks = [
            np.column_stack([column == category for category in categories])
            if len(categories)
            else np.zeros((data.shape[0], 0))
            for column, categories in zip(data.T, self.categories_, strict=True)
        ]
        encoded: FloatArray = np.hstack(blocks).astype(np.float64)
        return encoded

    def _names_out(self, names: list[str]) -> list[str]:
        return [
            f"{name}_{category}"
            for name, categories in zip(names, self.categories_, strict=True)
            for category in categories
        ]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        return tags
