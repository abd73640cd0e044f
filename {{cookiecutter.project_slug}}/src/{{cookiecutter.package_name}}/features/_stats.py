"""Column statistics the numeric transformers share: NaN-aware, and safe at any scale."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from {{ cookiecutter.package_name }}.features._base import FloatArray

BoolArray = npt.NDArray[np.bool_]

# A spread this small relative to the column's largest magnitude is floating-point
# noise (a constant column that went through arithmetic), not information: dividing by
# it would blow rounding errors up to unit scale.
RELATIVE_SPREAD_TOLERANCE = 1e-12

# What an all-NaN training column is filled with by Imputer and centred on by ColumnScaler.
ALL_MISSING_FILL = 0.0


def is_constant(spread: FloatArray, max_abs: FloatArray) -> BoolArray:
    """Which columns, with these spreads and largest magnitudes, count as constant
    (False where the spread is NaN: an all-NaN column is the caller's to treat)."""
    constant: BoolArray = spread <= RELATIVE_SPREAD_TOLERANCE * max_abs
    return constant


def per_column(data: FloatArray, statistic: Callable[[FloatArray], float]) -> FloatArray:
    """``statistic`` of each column's observed (non-NaN) values; NaN for an all-NaN column.

    Looping over columns instead of calling ``np.nan*`` on the matrix keeps all-NaN
    columns explicit rather than a ``RuntimeWarning`` and a NaN to chase later.
    """
    result = np.full(data.shape[1], np.nan)
    for index in range(data.shape[1]):
        observed = data[:, index][~np.isnan(data[:, index])]
        if observed.size:
            result[index] = statistic(observed)
    return result


def max_abs(data: FloatArray) -> FloatArray:
    """Each column's largest magnitude (NaN for an all-NaN column)."""
    return per_column(data, lambda values: float(np.max(np.abs(values))))


def stable_std(values: FloatArray) -> float:
    """Population standard deviation, computed on values divided by their largest
    magnitude so the squares neither underflow (values near 1e-160) nor overflow (near
    1e160); the spread is then scaled back."""
    largest = float(np.max(np.abs(values)))
    if largest == 0.0:
        return 0.0
    return largest * float(np.std(values / largest))


def unit_magnitude(data: FloatArray) -> FloatArray:
    """Each column divided by its largest magnitude (columns of zeros or NaN unchanged)."""
    largest = max_abs(data)
    divisor = np.where(np.isnan(largest) | (largest == 0.0), 1.0, largest)
    scaled: FloatArray = data / divisor
    return scaled
