"""Drift statistics: a batch's counts against the reference profile of the serving version.

The reference (:mod:`.profile`) keeps no training rows, only each feature's quantile
bins with their shares, its category shares and its missing rate. So every statistic
here compares *counts*: the batch's rows counted in the reference's bins (or per
category), gathered in one streaming pass (:class:`NumberCounts`,
:class:`CategoryCounts`), never the batch's rows themselves.

- PSI, the population stability index, on the reference's bins:
  ``sum((batch - reference) * ln(batch / reference))``, each share floored at
  :data:`SHARE_FLOOR` so an empty bin stays finite (as in Siddiqi, *Credit Risk
  Scorecards*, 2006, and Evidently's ``psi`` stattest). Zero for equal shares, positive
  otherwise. Read: below 0.1 stable, 0.1-0.25 moderate, above 0.25 a real change.
- Kolmogorov-Smirnov for numbers and dates, on the *binned* CDFs: the largest gap
  between the reference's and the batch's cumulative shares at the reference's inner
  edges. The exact two-sample statistic needs both samples; at the edges both CDFs are
  known exactly, so this is the two-sample statistic restricted to those points, a lower
  bound of the full one, and its p-value (the asymptotic Kolmogorov distribution with
  Stephens' correction, ``n_eff = n_ref * n_batch / (n_ref + n_batch)``) is conservative.
- Chi-square for categories, booleans and predicted classes: the two-sample test of
  homogeneity on the 2 x k table of reference counts (shares x reference rows) and batch
  counts. The reference's size bounds ``n_eff``, so a huge batch does not turn a
  negligible change into a tiny p-value.
- The change in missing rate (batch minus reference), and the share of batch rows whose
  category the training data never had.

A statistic is *moved* when it crosses its threshold (``params.yaml``'s ``monitoring:``);
p-values are compared with ``p_value`` divided by the number of tests run over the batch
(Bonferroni), so the false-alarm rate of a whole report, not of one feature, stays below
``p_value``. :func:`compare` returns one :class:`Finding` per feature and one for the
predictions, each with the reasons it moved, in words.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from {{ cookiecutter.package_name }}.config import MonitoringConfig

SHARE_FLOOR = 1e-4  # an empty bin's share in PSI: finite, and still a large term
MAX_NEW_CATEGORIES = 100  # unseen categories counted one by one; the rest together
OTHER_NEW = "(other unseen categories)"

FloatArray = npt.NDArray[np.float64]


def psi(reference: Sequence[float], batch: Sequence[float]) -> float:
    """The population stability index of two share vectors over the same bins."""
    expected = np.maximum(np.asarray(reference, dtype="float64"), SHARE_FLOOR)
    actual = np.maximum(np.asarray(batch, dtype="float64"), SHARE_FLOOR)
    if expected.size == 0:
        return 0.0
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def ks_binned(reference: Sequence[float], batch: Sequence[float]) -> float:
    """The largest gap between the two cumulative shares at the bins' inner edges."""
    if len(reference) < 2:
        return 0.0
    gaps = np.cumsum(np.asarray(reference, dtype="float64")[:-1]) - np.cumsum(
        np.asarray(batch, dtype="float64")[:-1]
    )
    return float(min(np.max(np.abs(gaps)), 1.0))


def ks_p_value(statistic: float, reference_rows: int, batch_rows: int) -> float:
    """The asymptotic two-sample p-value of ``statistic`` (Stephens' small-sample correction)."""
    from scipy.special import kolmogorov

    if reference_rows <= 0 or batch_rows <= 0 or statistic <= 0.0:
        return 1.0
    effective = reference_rows * batch_rows / (reference_rows + batch_rows)
    root = math.sqrt(effective)
    return float(min(max(kolmogorov((root + 0.12 + 0.11 / root) * statistic), 0.0), 1.0))


def chi_square(reference: Sequence[float], batch: Sequence[float]) -> tuple[float, float]:
    """The chi-square statistic and p-value of a 2 x k table of counts (homogeneity test).

    Columns empty in both rows are dropped; with fewer than two left there is nothing
    to test (statistic 0, p-value 1).
    """
    from scipy.stats import chi2

    table = np.vstack([np.asarray(reference, dtype="float64"), np.asarray(batch, dtype="float64")])
    table = table[:, table.sum(axis=0) > 0]
    rows = table.sum(axis=1)
    if table.shape[1] < 2 or np.any(rows <= 0):
        return 0.0, 1.0
    expected = np.outer(rows, table.sum(axis=0)) / table.sum()
    statistic = float(np.sum((table - expected) ** 2 / expected))
    return statistic, float(chi2.sf(statistic, table.shape[1] - 1))


def shares(counts: Sequence[float]) -> list[float]:
    """Counts as shares of their total (all zeros when there are none)."""
    total = float(sum(counts))
    return [float(count) / total if total else 0.0 for count in counts]


@dataclass
class NumberCounts:
    """A number (or date) feature's batch rows counted in the reference's bins, chunk by chunk."""

    edges: list[float]
    counts: npt.NDArray[np.int64] = field(init=False)
    rows: int = 0
    missing: int = 0
    total: float = 0.0
    minimum: float = math.inf
    maximum: float = -math.inf

    def __post_init__(self) -> None:
        self.counts = np.zeros(max(len(self.edges) - 1, 1), dtype="int64")

    def add(self, values: FloatArray) -> None:
        """Count a chunk's values (``NaN`` is missing); outer bins are open-ended."""
        present = values[~np.isnan(values)]
        self.rows += values.size
        self.missing += values.size - present.size
        if present.size:
            index = np.searchsorted(np.asarray(self.edges[1:-1]), present, side="right")
            self.counts += np.bincount(index, minlength=self.counts.size)
            self.total += float(present.sum())
            self.minimum = min(self.minimum, float(present.min()))
            self.maximum = max(self.maximum, float(present.max()))

    @property
    def present(self) -> int:
        return self.rows - self.missing


@dataclass
class CategoryCounts:
    """A category's (or bool's, or predicted class's) batch rows counted per value.

    Values the reference lacks are counted one by one up to :data:`MAX_NEW_CATEGORIES`,
    the rest under :data:`OTHER_NEW`: memory stays bounded whatever the batch holds.
    """

    known: frozenset[str]
    counts: Counter[str] = field(default_factory=Counter)
    rows: int = 0
    missing: int = 0

    def add(self, values: Mapping[str, int], missing: int) -> None:
        """Count a chunk: ``values`` maps each value's text to its rows in the chunk."""
        self.missing += missing
        self.rows += missing + sum(values.values())
        for value, count in values.items():
            new = value not in self.known and value not in self.counts
            if new and self._new_values() >= MAX_NEW_CATEGORIES:
                value = OTHER_NEW
            self.counts[value] += count

    def _new_values(self) -> int:
        return sum(1 for value in self.counts if value not in self.known)

    @property
    def present(self) -> int:
        return self.rows - self.missing


@dataclass
class Finding:
    """What one feature (or the predictions) did in the batch, and whether it moved."""

    name: str
    kind: str
    statistics: dict[str, Any]
    reasons: list[str]
    plot: dict[str, Any]  # labels, reference shares, batch shares: what the reports draw

    @property
    def drifted(self) -> bool:
        return bool(self.reasons)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "drifted": self.drifted,
            "reasons": self.reasons,
            **self.statistics,
            "plot": self.plot,
        }


def _round(value: float) -> float:
    return float(f"{value:.6g}")


def _p(value: float) -> str:
    return f"{value:.2g}"


def _distribution(
    kind: str,
    reference: Sequence[float],
    counts: Sequence[float],
    reference_rows: int,
    limits: MonitoringConfig,
    corrected_p: float,
) -> tuple[dict[str, Any], list[str]]:
    """PSI and the kind's test on the present values; the reason they moved, if they did.

    A distribution moved when its PSI reaches ``limits.psi`` *and* the test says the
    change is no accident (p below ``corrected_p``): PSI alone grows as batches shrink
    (about ``(bins - 1) * (1/n_ref + 1/n_batch)`` for equal distributions), and a test
    alone flags negligible changes once batches are large.
    """
    batch = shares(counts)
    present = int(sum(counts))
    statistics: dict[str, Any] = {"psi": _round(psi(reference, batch)) if present else 0.0}
    reasons: list[str] = []
    if kind in ("number", "datetime"):
        statistic = ks_binned(reference, batch) if present else 0.0
        p_value = ks_p_value(statistic, reference_rows, present)
        statistics |= {"ks": _round(statistic), "p_value": p_value}
        test = f"Kolmogorov-Smirnov {statistic:.3g}"
    else:
        expected = [share * reference_rows for share in reference]
        statistic, p_value = chi_square(expected, counts) if present else (0.0, 1.0)
        statistics |= {"chi_square": _round(statistic), "p_value": p_value}
        test = f"chi-square {statistic:.3g}"
    if present and statistics["psi"] >= limits.psi and p_value < corrected_p:
        reasons.append(
            f"PSI {statistics['psi']:.3g} (at least {limits.psi:g}), "
            f"{test} with p = {_p(p_value)} (below {_p(corrected_p)})"
        )
    return statistics, reasons


def number_finding(
    name: str,
    profile: Mapping[str, Any],
    counts: NumberCounts,
    reference_rows: int,
    limits: MonitoringConfig,
    corrected_p: float,
) -> Finding:
    """A number or date feature: PSI and KS on its bins, its missing rate, mean and range."""
    kind = str(profile["kind"])
    reference_present = round(reference_rows * (1.0 - float(profile["missing_rate"])))
    statistics, reasons = _distribution(
        kind,
        list(profile["shares"]) or [1.0],
        counts.counts.tolist(),
        reference_present,
        limits,
        corrected_p,
    )
    statistics |= _missing(
        float(profile["missing_rate"]), counts, reference_rows, limits, corrected_p, reasons
    )
    mean = counts.total / counts.present if counts.present else None
    statistics |= {
        "mean": {"reference": profile["mean"], "batch": None if mean is None else _round(mean)},
        "range": {
            "reference": [profile["min"], profile["max"]],
            "batch": [counts.minimum, counts.maximum] if counts.present else None,
        },
    }
    edges = [float(edge) for edge in profile["edges"]]
    labels = [f"[{low:.4g}, {high:.4g})" for low, high in itertools.pairwise(edges)]
    if labels:
        labels[0] = f"< {edges[1]:.4g}" if len(edges) > 2 else "all"
        labels[-1] = f">= {edges[-2]:.4g}" if len(edges) > 2 else "all"
    plot = {
        "labels": labels or ["all"],
        "reference": list(profile["shares"]) or [1.0],
        "batch": shares(counts.counts.tolist()),
    }
    return Finding(name, kind, statistics, reasons, plot)


def category_finding(
    name: str,
    kind: str,
    reference_shares: Mapping[str, float],
    counts: CategoryCounts,
    reference_rows: int,
    limits: MonitoringConfig,
    corrected_p: float,
    missing_rate: float | None = None,
) -> Finding:
    """A category or predicted class: PSI and chi-square on its shares, unseen values.

    ``reference_rows`` counts the training rows, missing ones included; a feature's
    ``missing_rate`` in training adds the check of its missing rate.
    """
    labels = sorted(set(reference_shares) | set(counts.counts))
    reference = [float(reference_shares.get(label, 0.0)) for label in labels]
    batch = [float(counts.counts.get(label, 0)) for label in labels]
    present_rows = round(reference_rows * (1.0 - (missing_rate or 0.0)))
    statistics, reasons = _distribution(kind, reference, batch, present_rows, limits, corrected_p)
    unseen = {label: count for label, count in counts.counts.items() if label not in counts.known}
    unseen_share = sum(unseen.values()) / counts.present if counts.present else 0.0
    statistics["new_categories"] = {
        "share": _round(unseen_share),
        "values": sorted(unseen, key=lambda label: (-unseen[label], label))[:20],
    }
    if unseen and unseen_share >= limits.new_category_share:
        shown = ", ".join(repr(label) for label in statistics["new_categories"]["values"][:5])
        reasons.append(
            f"{unseen_share:.1%} of rows have a value training never saw "
            f"(at least {limits.new_category_share:.1%}): {shown}"
        )
    if missing_rate is not None:
        statistics |= _missing(missing_rate, counts, reference_rows, limits, corrected_p, reasons)
    plot = {"labels": labels, "reference": reference, "batch": shares(batch)}
    return Finding(name, kind, statistics, reasons, plot)


def _missing(
    before: float,
    counts: NumberCounts | CategoryCounts,
    reference_rows: int,
    limits: MonitoringConfig,
    corrected_p: float,
    reasons: list[str],
) -> dict[str, Any]:
    """The missing rate's change: moved when it reaches the threshold and is significant."""
    after = counts.missing / counts.rows if counts.rows else 0.0
    reference_missing = before * reference_rows
    _, p_value = chi_square(
        [reference_missing, reference_rows - reference_missing], [counts.missing, counts.present]
    )
    if counts.rows and abs(after - before) >= limits.missing_rate_change and p_value < corrected_p:
        reasons.append(
            f"missing rate {before:.1%} -> {after:.1%} "
            f"(a change of at least {limits.missing_rate_change:.1%}, p = {_p(p_value)})"
        )
    return {"missing_rate": {"reference": _round(before), "batch": _round(after)}}
