"""CorrelationFilter: no near-duplicates survive, and the rule for which one goes holds.

The oracle computes correlations independently (``np.corrcoef``, r = 0 for a constant
column) and allows a 1e-9 margin at the threshold for rounding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.features.transformers import CorrelationFilter

from tests.property.strategies import correlated_frames, numeric_frames

MARGIN = 1e-9
thresholds = st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99])


def oracle_correlation(frame: pd.DataFrame, first: str, second: str) -> float:
    a, b = frame[first].to_numpy(), frame[second].to_numpy()
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(abs(np.corrcoef(a, b)[0, 1]))


@given(frame=correlated_frames(), threshold=thresholds)
def test_no_pair_above_threshold_survives_and_the_later_column_goes(
    frame: pd.DataFrame, threshold: float
) -> None:
    selector = CorrelationFilter(threshold=threshold).set_output(transform="pandas")
    output = selector.fit_transform(frame)
    kept, dropped = list(selector.kept_features_), list(selector.dropped_features_)

    assert list(output.columns) == kept, "output columns must be kept_features_"
    assert [name for name in frame.columns if name in kept] == kept, "input order must stay"
    assert sorted(kept + dropped) == sorted(frame.columns), "kept and dropped must split input"
    assert kept, "at least the first column always survives"

    for i, first in enumerate(kept):
        for second in kept[i + 1 :]:
            r = oracle_correlation(frame, first, second)
            assert r <= threshold + MARGIN, (
                f"kept {first!r} and {second!r} with |r| = {r} > threshold {threshold}"
            )
    position = {name: index for index, name in enumerate(frame.columns)}
    for name in dropped:
        partners = [
            other
            for other in kept
            if position[other] < position[name]
            and oracle_correlation(frame, other, name) > threshold - MARGIN
        ]
        assert partners, (
            f"dropped {name!r}, but no EARLIER kept column correlates with it above "
            f"{threshold}: the rule keeps the earlier column of a pair and drops the later"
        )
    reasons = {dropped: (partner, r) for dropped, partner, r in selector.drop_reasons_}
    assert list(reasons) == dropped, "every dropped column has one reason, in input order"
    for name, (partner, r) in reasons.items():
        assert partner in kept, f"{name!r} is reported dropped for {partner!r}, not kept"
        assert position[partner] < position[name], f"{partner!r} does not come before {name!r}"
        assert abs(r - oracle_correlation(frame, partner, name)) < 1e-6, (
            f"reported |r| = {r} for {name!r} and {partner!r}, oracle says otherwise"
        )
        assert r > threshold - MARGIN, f"reported |r| = {r} is not above {threshold}"


@given(frame=correlated_frames(), data=st.data())
def test_the_result_depends_only_on_the_data(frame: pd.DataFrame, data: st.DataObject) -> None:
    support = CorrelationFilter(threshold=0.9).fit(frame).support_
    again = CorrelationFilter(threshold=0.9).fit(frame).support_
    np.testing.assert_array_equal(again, support, err_msg="a second fit chose differently")

    renamed = frame.set_axis([f"renamed_{i}" for i in range(frame.shape[1])], axis=1)
    reindexed = renamed.set_axis(
        data.draw(st.permutations(list(range(len(frame)))), label="new index"), axis=0
    )
    np.testing.assert_array_equal(
        CorrelationFilter(threshold=0.9).fit(reindexed).support_,
        support,
        err_msg="renaming columns or relabelling rows changed which columns are kept",
    )


@given(frame=numeric_frames(min_rows=2, allow_nan=True))
def test_constant_and_missing_values_do_not_break_it(frame: pd.DataFrame) -> None:
    with_constant = frame.assign(constant=7.0)
    selector = CorrelationFilter(threshold=0.9).fit(with_constant)
    assert "constant" in selector.kept_features_, "a constant column correlates with nothing"
    assert np.isin(selector.kept_features_, with_constant.columns).all()


def test_an_all_nan_column_is_kept_and_breaks_nothing() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "empty": [np.nan] * 3, "a_again": [2.0, 4.0, 6.0]})
    selector = CorrelationFilter(threshold=0.9).fit(frame)
    assert list(selector.kept_features_) == ["a", "empty"]
    assert list(selector.dropped_features_) == ["a_again"]
