"""``draft-contract``: write a first contract for a new CSV file, for a person to review.

A contract written from scratch for a 40-column file is an afternoon of typing; this
drafts one from the data instead: each column's type, whether it has empty cells,
its categories, and range bounds widened beyond what this one sample shows (a range
fitted tightly to one sample would reject the next sample's honest extremes). Every
bound carries the observed range as a comment, so the reviewer can judge it.
The draft is a starting point, not a verdict: docs/adding-a-dataset.md says what to check.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import yaml

from {{ cookiecutter.package_name }}.config import InputError
from {{ cookiecutter.package_name }}.data.files import read_csv, write_text

MAX_CATEGORIES = 50
# Bounds are widened by this share of the observed range on each side.
MARGIN = 0.5


def _key(name: str) -> str:
    """``name`` as a YAML key, quoted only when it would not read back as itself."""
    try:
        plain = yaml.safe_load(f"{name}: 0") == {name: 0}
    except yaml.YAMLError:
        plain = False
    return name if plain else yaml.safe_dump(name, default_style='"').strip()


def _round(value: float, up: bool) -> float | int:
    """Round outwards to 2 significant digits: 1234.5 -> 1300 (up) or 1200 (down)."""
    if value == 0:
        return 0
    step = 10 ** (math.floor(math.log10(abs(value))) - 1)
    rounded = (math.ceil if up else math.floor)(value / step) * step
    return int(rounded) if step >= 1 else round(rounded, 12)


def _bounds(values: pd.Series) -> str:
    low, high = float(values.min()), float(values.max())
    margin = (high - low) * MARGIN
    minimum = 0 if low >= 0 and low - margin < 0 else _round(low - margin, up=False)
    maximum = _round(high + margin, up=True)
    return f"min: {minimum}, max: {maximum}"


def _observed(values: pd.Series) -> str:
    return f"observed {values.min():g} .. {values.max():g}"


def _identifier(values: pd.Series) -> bool:
    """Every value distinct in a sample too big for that to be chance: a row id."""
    return len(values) > MAX_CATEGORIES and bool(values.is_unique)


def _column(name: str, series: pd.Series) -> str:
    rules: list[str] = []
    notes: list[str] = []
    present = series.dropna()
    if present.empty:
        raise InputError(f"column {name!r}: every cell is empty; drop it from the CSV")
    if pd.api.types.is_bool_dtype(present):
        rules.append("dtype: bool")
    elif pd.api.types.is_integer_dtype(present) and _identifier(present):
        rules += ["dtype: int", "unique: true", "feature: false"]
        notes.append("every value distinct: an identifier? if not, feature: true and bounds")
    elif pd.api.types.is_numeric_dtype(present):
        # Integers only when the file has no decimal point in the column: a measurement
        # that happens to be whole today (181.0 mm) must still accept 181.5 tomorrow.
        kind = "int" if pd.api.types.is_integer_dtype(present) else "float"
        rules += [f"dtype: {kind}", _bounds(present)]
        notes.append(_observed(present))
    else:
        distinct = sorted(present.astype("str").unique())
        if _identifier(present):
            rules += ["dtype: category", "unique: true", "feature: false"]
            notes.append("every value distinct: an identifier?")
        elif len(distinct) > MAX_CATEGORIES:
            raise InputError(
                f"column {name!r}: {len(distinct)} distinct text values; expected at most "
                f"{MAX_CATEGORIES} categories (free text is not a feature this pipeline "
                "handles: drop the column from the CSV)"
            )
        else:
            flow = yaml.safe_dump(distinct, default_flow_style=True).strip()
            rules += ["dtype: category", f"categories: {flow}"]
    if series.isna().any():
        rules.append("nullable: true")
        notes.append(f"{int(series.isna().sum())} empty")
    comment = f"  # {'; '.join(notes)}" if notes else ""
    flow = "{" + ", ".join(rules) + "}"
    return f"  {_key(name)}: {flow}{comment}"


def draft(frame: pd.DataFrame, target: str, name: str, source: str) -> str:
    """The YAML text of a draft contract for ``frame`` with label column ``target``."""
    if target not in frame.columns:
        raise InputError(f"{source}: no target column {target!r}; found {list(frame.columns)}")
    classes = frame[target].dropna()
    values = sorted(classes.unique().tolist(), key=str)
    if len(values) != 2:
        raise InputError(
            f"{source}: target {target!r} has {len(values)} distinct values {values[:10]}; "
            "expected exactly 2 (the pipeline trains a binary classifier)"
        )
    if not pd.api.types.is_numeric_dtype(classes) and not pd.api.types.is_bool_dtype(classes):
        values = [str(value) for value in values]
    unlabelled = int(frame[target].isna().sum())
    lines = [
        f"# Draft contract for {source}, written by draft-contract: review every line",
        "# (docs/adding-a-dataset.md). Bounds are widened beyond the observed range.",
        f"name: {name}",
        f"description: {yaml.safe_dump(f'{name} ({len(frame)} rows)', default_style=chr(34)).strip()}",
        "target:",
        f"  values: {yaml.safe_dump(values, default_flow_style=True).strip()}"
        + (f"  # {unlabelled} row(s) without a target: validate drops them" if unlabelled else ""),
        f"  positive: {yaml.safe_dump(values[-1]).splitlines()[0]}"
        "  # the class whose probability the model reports: choose deliberately",
        "columns:",
    ]
    lines += [_column(str(column), frame[column]) for column in frame.columns if column != target]
    return "\n".join(lines) + "\n"


def run(csv: Path, target: str, output: Path | None) -> None:
    text = draft(read_csv(csv), target, (output or csv).stem, str(csv))
    if output is None:
        print(text, end="")
        return
    if output.exists():
        raise InputError(
            f"{output}: already exists; expected a new file (remove it or choose another)"
        )
    write_text(text, output)
    print(f"draft-contract: wrote {output}; review it before `dvc repro`")
