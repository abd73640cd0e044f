"""Properties of the drift statistics over any shares and counts, empty bins included.

PSI, the binned Kolmogorov-Smirnov statistic and chi-square are zero (p-value one) for
identical distributions, never negative, finite when bins are empty, and unchanged by
the order of the rows counted into them.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.monitoring.drift import (
    NumberCounts,
    chi_square,
    ks_binned,
    ks_p_value,
    psi,
    shares,
)

# Counts per bin, some bins empty, at least one row in all.
counts = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(
    lambda found: sum(found) > 0
)
same_size = (
    st.integers(min_value=1, max_value=12)
    .flatmap(
        lambda bins: st.tuples(
            st.lists(st.integers(0, 1000), min_size=bins, max_size=bins),
            st.lists(st.integers(0, 1000), min_size=bins, max_size=bins),
        )
    )
    .filter(lambda pair: sum(pair[0]) > 0 and sum(pair[1]) > 0)
)


@given(counts)
def test_identical_distributions_score_zero(found: list[int]) -> None:
    found_shares = shares(found)
    assert psi(found_shares, found_shares) == 0.0
    assert ks_binned(found_shares, found_shares) == 0.0
    statistic, p_value = chi_square(found, [count * 3 for count in found])
    assert statistic < 1e-9
    assert p_value > 0.999


@given(same_size)
def test_the_statistics_are_finite_and_never_negative(pair: tuple[list[int], list[int]]) -> None:
    reference, batch = pair
    value = psi(shares(reference), shares(batch))
    assert math.isfinite(value)
    assert value >= 0.0
    distance = ks_binned(shares(reference), shares(batch))
    assert 0.0 <= distance <= 1.0
    assert 0.0 <= ks_p_value(distance, sum(reference), sum(batch)) <= 1.0
    statistic, p_value = chi_square(reference, batch)
    assert math.isfinite(statistic)
    assert statistic >= 0.0
    assert 0.0 <= p_value <= 1.0


@given(same_size)
def test_psi_is_symmetric_and_positive_when_shares_differ(
    pair: tuple[list[int], list[int]],
) -> None:
    first, second = shares(pair[0]), shares(pair[1])
    assert math.isclose(psi(first, second), psi(second, first), abs_tol=1e-9)
    if max(abs(a - b) for a, b in zip(first, second, strict=True)) > 1e-3:
        assert psi(first, second) > 0.0


@given(
    st.lists(
        st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(math.nan)),
        min_size=1,
        max_size=200,
    ),
    st.randoms(use_true_random=False),
)
def test_counts_do_not_depend_on_row_order_or_chunks(values: list[float], shuffler: object) -> None:
    edges = [-10.0, 0.0, 10.0, 1000.0]
    whole = NumberCounts(edges)
    whole.add(np.asarray(values, dtype="float64"))
    shuffled = list(values)
    shuffler.shuffle(shuffled)  # type: ignore[attr-defined]
    chunked = NumberCounts(edges)
    for start in range(0, len(shuffled), 7):
        chunked.add(np.asarray(shuffled[start : start + 7], dtype="float64"))
    assert whole.counts.tolist() == chunked.counts.tolist()
    assert (whole.rows, whole.missing) == (chunked.rows, chunked.missing)
    assert sum(whole.counts.tolist()) == whole.present
