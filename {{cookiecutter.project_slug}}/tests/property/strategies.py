"""Hypothesis strategies for the feature property tests: small, quirky tables.

Sizes stay modest (at most 30 rows and 5 columns) so the dev profile runs in seconds;
values are bounded finite floats (no subnormals), so a failure is about the
transformer's logic, not about float overflow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_ROWS = 30
MAX_COLUMNS = 5
BOUND = 1e6

finite_floats = st.floats(
    min_value=-BOUND, max_value=BOUND, allow_nan=False, allow_infinity=False, allow_subnormal=False
)
# Three decimals within +-1000: any spread is at least 1e-6 of the magnitude, so results
# that depend on summation order (means, correlations) agree to about 1e-9.
moderate_floats = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False).map(
    lambda value: round(value, 3)
)
# Whole numbers in a narrow range: columns are either exactly constant or clearly spread,
# so correlations are well defined and free of rounding noise.
small_whole_floats = st.integers(min_value=-100, max_value=100).map(float)


@st.composite
def numeric_frames(
    draw: st.DrawFn,
    *,
    min_rows: int = 1,
    max_rows: int = MAX_ROWS,
    min_columns: int = 1,
    max_columns: int = MAX_COLUMNS,
    elements: st.SearchStrategy[float] = finite_floats,
    allow_nan: bool = False,
) -> pd.DataFrame:
    """A float frame with named columns and a shuffled, non-default integer index.

    The unusual index lets a test see that pandas output keeps the input's index.
    """
    rows = draw(st.integers(min_value=min_rows, max_value=max_rows))
    columns = draw(st.integers(min_value=min_columns, max_value=max_columns))
    cells = elements | st.just(np.nan) if allow_nan else elements
    data = draw(hnp.arrays(np.float64, (rows, columns), elements=cells))
    index = draw(unique_indexes(rows))
    return pd.DataFrame(data, columns=[f"col_{i}" for i in range(columns)], index=index)


def unique_indexes(rows: int) -> st.SearchStrategy[list[int]]:
    """Distinct row labels in shuffled order, spaced and shifted away from 0, 1, 2...

    Built from a permutation rather than filtered unique draws, so shrinking a failing
    example never wastes time on invalid candidates.
    """
    return st.permutations(range(rows)).map(lambda order: [7 * label - 50 for label in order])


@st.composite
def correlated_frames(draw: st.DrawFn) -> pd.DataFrame:
    """Independent-looking columns plus exact linear copies of some of them.

    Each copy is ``slope * source + offset`` (|r| = 1 with its source unless the source
    is constant), shuffled in among the other columns, so a filter has something to drop.
    """
    base = draw(numeric_frames(min_rows=2, max_columns=4, elements=small_whole_floats))
    columns = {name: base[name].to_numpy() for name in base.columns}
    for copy in range(draw(st.integers(min_value=0, max_value=3))):
        source = draw(st.sampled_from(list(base.columns)))
        slope = draw(st.sampled_from([-3.0, -1.0, 0.5, 2.0]))
        columns[f"copy_{copy}_of_{source}"] = slope * columns[source] + draw(small_whole_floats)
    order = draw(st.permutations(list(columns)))
    return pd.DataFrame({name: columns[name] for name in order}, index=base.index)


CATEGORIES = ["Biscoe", "Dream", "Torgersen", "male", "female", "3", "x y"]


@st.composite
def categorical_frames(
    draw: st.DrawFn, *, min_rows: int = 1, max_rows: int = MAX_ROWS, max_columns: int = 3
) -> pd.DataFrame:
    """Text columns drawn from a few categories, with missing values (None).

    The columns come as ``object``, pandas' ``str`` or ``category`` dtype, as real
    frames do.
    """
    rows = draw(st.integers(min_value=min_rows, max_value=max_rows))
    columns = draw(st.integers(min_value=1, max_value=max_columns))
    cells = draw(
        hnp.arrays(object, (rows, columns), elements=st.sampled_from(CATEGORIES) | st.none())
    )
    frame = pd.DataFrame(cells, columns=[f"cat_{i}" for i in range(columns)])
    dtype = draw(st.sampled_from([object, "str", "category"]))
    return frame.astype(dtype)
