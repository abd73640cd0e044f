"""The reference profile: each feature and the predictions of the training rows, in brief.

Drift checks (PSI, Kolmogorov-Smirnov, chi-square) compare a batch of new rows with the
rows the model learned from; keeping those rows beside every model version would be
large and would copy personal data, so the registry keeps this summary instead:

- a number (float, int) or a date: its missing rate, the edges of 10 quantile bins of
  the training values (repeated edges merged) with the share of rows in each bin, and
  mean, std, min and max. Bins are open at both ends: a later value below the training
  minimum counts in the first bin, one above the maximum in the last, so a batch's
  shares always sum to one and can be compared bin by bin (:func:`bin_shares`);
- a category or a bool: its missing rate and the share of each value (text columns are
  never features, so never profiled);
- the predictions: the share of each class of the contract, or for a number target
  the same quantile bins as a number feature.

The profile is JSON (plain floats, strings as keys) and deterministic: the same rows
give the same document, whatever their order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.data.contract import ColumnRule, Contract

BINS = 10
NUMBER_TYPES = ("float", "int")


def bin_edges(values: np.ndarray[Any, np.dtype[np.float64]]) -> list[float]:
    """The quantiles at 0, 10%, ..., 100% of ``values``, repeated ones merged."""
    if values.size == 0:
        return []
    quantiles = np.quantile(values, np.linspace(0.0, 1.0, BINS + 1))
    return [float(edge) for edge in np.unique(quantiles)]


def bin_shares(values: np.ndarray[Any, np.dtype[np.float64]], edges: list[float]) -> list[float]:
    """The share of ``values`` in each bin of ``edges``; the outer bins are open-ended.

    A value equal to an inner edge counts in the bin above it. With ``n`` edges there
    are ``n - 1`` bins (one when all training values were equal).
    """
    bins = max(len(edges) - 1, 1)
    if values.size == 0:
        return [0.0] * bins
    index = np.searchsorted(np.asarray(edges[1:-1]), values, side="right")
    counts = np.bincount(index, minlength=bins)
    return [float(count) / values.size for count in counts]


def _number_summary(values: np.ndarray[Any, np.dtype[np.float64]]) -> dict[str, Any]:
    edges = bin_edges(values)
    if values.size == 0:
        return {"edges": [], "shares": [], "mean": None, "std": None, "min": None, "max": None}
    return {
        "edges": edges,
        "shares": bin_shares(values, edges),
        "mean": float(values.mean()),
        "std": float(values.std()),
        "min": float(values.min()),
        "max": float(values.max()),
    }


def frequencies(values: pd.Series) -> dict[str, float]:
    """The share of each value among the non-missing ones, keyed by its text, sorted."""
    present = values.dropna()
    if present.empty:
        return {}
    counts = present.astype(str).value_counts()
    return {str(key): float(counts[key]) / len(present) for key in sorted(counts.index)}


def as_numbers(column: pd.Series, rule: ColumnRule) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A number or date column as floats in row order, a missing value as ``NaN``.

    A date is its seconds since 1970 (UTC), the unit its bins are kept in.
    """
    if rule.dtype == "datetime":
        since = pd.to_datetime(column, utc=True) - pd.Timestamp(0, tz="UTC")
        column = since / pd.Timedelta(seconds=1)  # whatever unit pandas stores them in
    values: np.ndarray[Any, np.dtype[np.float64]] = pd.to_numeric(column).to_numpy(
        dtype="float64", na_value=np.nan
    )
    return values


def _numbers(column: pd.Series, rule: ColumnRule) -> np.ndarray[Any, np.dtype[np.float64]]:
    values = as_numbers(column, rule)
    present: np.ndarray[Any, np.dtype[np.float64]] = np.sort(values[~np.isnan(values)])
    return present


def feature_profile(column: pd.Series, rule: ColumnRule) -> dict[str, Any]:
    """One feature's summary: its kind, missing rate and distribution."""
    missing = float(column.isna().mean()) if len(column) else 0.0
    if rule.dtype in (*NUMBER_TYPES, "datetime"):
        kind = "datetime" if rule.dtype == "datetime" else "number"
        return {"kind": kind, "missing_rate": missing, **_number_summary(_numbers(column, rule))}
    return {"kind": "category", "missing_rate": missing, "frequencies": frequencies(column)}


def prediction_profile(predictions: pd.Series, contract: Contract) -> dict[str, Any]:
    """The predictions' class shares (every class of the contract), or their quantile bins."""
    target = contract.target
    if target.task == "regression":
        values = np.sort(predictions.dropna().to_numpy(dtype="float64"))
        return {"kind": "number", **_number_summary(values)}
    shares = frequencies(predictions)
    return {
        "kind": "classes",
        "shares": {str(label): shares.get(str(label), 0.0) for label in target.classes},
    }


def profile(frame: pd.DataFrame, contract: Contract, predictions: pd.Series) -> dict[str, Any]:
    """The reference profile of ``frame``'s feature columns and of the model's ``predictions``."""
    rules = {rule.name: rule for rule in contract.columns}
    return {
        "rows": len(frame),
        "bins": BINS,
        "features": {
            name: feature_profile(frame[name], rules[name]) for name in contract.feature_columns
        },
        "predictions": prediction_profile(predictions, contract),
    }
