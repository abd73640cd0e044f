"""``draft-contract``: write a first contract for a new CSV file, for a person to review.

A contract written from scratch for a 40-column file is an afternoon of typing; this
drafts one from the data instead: each column's type, whether it has empty cells,
its categories, and range bounds widened beyond what this one sample shows (a range
fitted tightly to one sample would reject the next sample's honest extremes). Every
bound carries the observed range as a comment, so the reviewer can judge it.

The target sets the task, and the draft infers it from the target's values, saying
what it inferred and why in a comment on ``target:`` (and on the terminal):

- text or true/false: classes. Two values are binary, 3 to ``MAX_CLASSES`` multiclass;
  one value, or more text values than that, is refused;
- numbers: regression, except whole numbers with few distinct values. Two are binary;
  3 to ``MAX_CLASSES`` are classes when the column would be drafted ``int`` (written
  without a decimal point, its name naming no measurement). Such codes could also be a
  count or a score: the comment gives the regression form to switch to, and a
  regression target of few whole values gives the classes form.

The draft is a starting point, not a verdict: docs/adding-a-dataset.md says what to check.
"""

from __future__ import annotations

import dataclasses
import math
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml

from {{ cookiecutter.package_name }}.data.contract import Task
from {{ cookiecutter.package_name }}.data.files import read_csv
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.io import write_text

MAX_CATEGORIES = 50
# A target of at most this many distinct text values (or whole-number codes) is classes.
MAX_CLASSES = 20
EXPECTED_TARGET = (
    f"expected 2 classes (binary), 3 to {MAX_CLASSES} classes (multiclass) or numbers (regression)"
)
# What pandas.api.types.infer_dtype calls a column of numbers.
NUMBER_KINDS = frozenset({"integer", "floating", "mixed-integer-float"})
# Bounds are widened by this share of the observed range on each side.
MARGIN = 0.5
# A column named with one of these words is measured, so typed float even when this
# sample's values are whole (a weight of 70 kg today is 70.5 kg tomorrow). `int` is
# for counts and codes: a whole-valued column without such a word, written without a
# decimal point anywhere in the file.
MEASUREMENT_WORDS = frozenset(
    {
        # quantities
        *("weight", "height", "length", "width", "depth", "mass", "distance"),
        *("area", "volume", "temperature", "temp", "duration", "speed", "pressure"),
        *("price", "cost", "amount", "income", "salary", "balance", "ratio", "rate"),
        *("percent", "percentage", "pct", "bmi", "density", "latitude", "longitude"),
        # units
        *("mm", "cm", "km", "kg", "mg", "lb", "lbs", "oz", "ml", "sec", "secs", "seconds"),
        *("minutes", "hours", "kwh", "usd", "eur", "gbp"),
        "g",
        "m",
    }
)
# A date or date-time as text: 2007-11-01, 2007-11-01 13:45[:30], 2007/11/01, 11/01/2007.
DATE_PATTERN = (
    r"\d{4}[-/]\d{1,2}[-/]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}( \d{1,2}:\d{2}(:\d{2})?)?"
)
# ISO 8601, which a datetime column reads without a format.
ISO_PATTERN = r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
# The other spellings a draft names a format for, day first before month first, each
# also with a time of day.
DATE_FORMATS = tuple(
    f"{date}{time}"
    for date in ("%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y")
    for time in ("", " %H:%M", " %H:%M:%S")
)


def _quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar, on one line however long it is."""
    return yaml.safe_dump(text, default_style='"', width=math.inf).strip()


def _scalar(value: object) -> str:
    """A number or label as YAML reads it back: ``1e-05`` would read as text, ``1.0e-05`` not."""
    return yaml.safe_dump(value).splitlines()[0]


def _flow(values: list[Any]) -> str:
    """``values`` as a YAML flow sequence: ``[blue, green, red]``."""
    return yaml.safe_dump(values, default_flow_style=True).strip()


def _key(name: str) -> str:
    """``name`` as a YAML key, quoted only when it would not read back as itself."""
    try:
        if yaml.safe_load(f"{name}: 0") == {name: 0}:
            return name
    except yaml.YAMLError:
        pass
    return _quoted(name)


def _round(value: float, direction: Callable[[float], int], scale: float) -> float | int:
    """Round to 2 significant digits with ``direction``: 1234.5 -> 1300 (ceil) or 1200 (floor).

    A ``value`` within a trillionth of ``scale`` (the data's magnitude) is 0: what is left
    of ``0.2 - 0.2`` in floating point is noise, not a bound of ``2.7e-17``.
    """
    if abs(value) <= scale * 1e-12:
        return 0
    exponent = math.floor(math.log10(abs(value))) - 1
    rounded: float = direction(value / 10**exponent) * 10**exponent
    return round(rounded, -exponent)


def _limits(values: pd.Series, integer: bool = False) -> tuple[float | int, float | int]:
    """Widened bounds; whole numbers for an ``int`` column (never ``min: 0.5``)."""
    low, high = float(values.min()), float(values.max())
    margin = (high - low) * MARGIN
    scale = max(abs(low), abs(high))
    minimum = _round(low - margin, math.floor, scale)
    if low >= 0:
        minimum = max(minimum, 0)  # no negative bound for a column that has none
    maximum = _round(high + margin, math.ceil, scale)
    if integer:
        minimum, maximum = math.floor(minimum), math.ceil(maximum)
    return minimum, maximum


def _bounds(values: pd.Series, integer: bool = False) -> str:
    """:func:`_limits` as YAML: ``min: 0, max: 40``."""
    minimum, maximum = _limits(values, integer)
    return f"min: {_scalar(minimum)}, max: {_scalar(maximum)}"


def _observed(values: pd.Series) -> str:
    return f"observed {values.min():g} .. {values.max():g}"


def _identifier(values: pd.Series) -> bool:
    """Every value distinct in a sample too big for that to be chance: a row id."""
    return len(values) > MAX_CATEGORIES and bool(values.is_unique)


def _words(name: str) -> set[str]:
    """The lower-case words of a column name: ``bodyMass_kg`` -> {body, mass, kg}."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return {word.lower() for word in re.split(r"[^A-Za-z0-9]+", spaced) if word}


def _measurement(name: str) -> str | None:
    """The word of ``name`` that says the column is measured, not counted (or None)."""
    found = sorted(_words(name) & MEASUREMENT_WORDS)
    return found[0] if found else None


def _written_with_decimals(present: pd.Series, texts: pd.Series | None) -> bool:
    """Whether any cell of the column is written with a decimal point or exponent (70.0).

    Without the texts, the parsed type answers: pandas reads ``70.0`` as a float.
    """
    if texts is None:
        return not pd.api.types.is_integer_dtype(present)
    return bool(texts.dropna().astype("str").str.contains(r"[.eE]").any())


def _whole(values: pd.Series) -> bool:
    return bool(np.isfinite(values).all() and (values % 1 == 0).all())


def _moments(texts: pd.Series, date_format: str) -> pd.Series:
    """``texts`` read strictly in ``date_format``, as naive UTC (as the contract reads them)."""
    moments = pd.to_datetime(texts, format=date_format, errors="coerce", utc=True)
    return moments.dt.tz_localize(None)


def _day_bound(moment: pd.Timestamp, step: pd.Timedelta, rounding: str) -> str:
    """``moment + step`` to the whole day outwards (``rounding``: floor or ceil)."""
    return str(getattr(moment + step, rounding)("D").date())


def _dates(values: pd.Series) -> tuple[list[str], list[str]] | None:
    """Rules and notes for a column of dates (2007-11-01, 11/01/2007, ...), else None.

    ISO 8601 needs no format; another spelling is drafted with its strftime format when
    one format reads every value. Bounds are widened like numbers', to whole days.
    """
    texts = values.astype("str").str.strip()
    if not texts.str.fullmatch(DATE_PATTERN).all():
        return None
    iso = texts.str.fullmatch(ISO_PATTERN).all()
    candidates = ("ISO8601",) if iso else DATE_FORMATS
    formats = [form for form in candidates if _moments(texts, form).notna().all()]
    if not formats:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "could not infer format": the pattern checked it
            if pd.to_datetime(texts, errors="coerce", format="mixed").isna().any():
                return None  # a day that does not exist: not dates after all
        return ["dtype: category", "feature: false"], [
            "dates written in more than one way: kept out of the model; write them one "
            "way (ISO 8601: 2024-01-31), then draft again for dtype datetime"
        ]
    moments = _moments(texts, formats[0])
    low, high = moments.min(), moments.max()
    margin = (high - low) * MARGIN
    rules = ["dtype: datetime"]
    if not iso:
        rules.append(f"format: {_quoted(formats[0])}")
    rules.append(f"min: {_day_bound(low, -margin, 'floor')}")
    rules.append(f"max: {_day_bound(high, margin, 'ceil')}")
    first, last = texts.iloc[int(moments.argmin())], texts.iloc[int(moments.argmax())]
    notes = [f"observed {first} .. {last}"]
    if len(formats) > 1:
        notes.append(f"day or month first? {formats[0]} and {formats[1]} both read every value")
    return rules, notes


def _number_type(
    name: str, present: pd.Series, texts: pd.Series | None
) -> tuple[Literal["float", "int"], str | None]:
    """``int`` only for whole counts and codes; with why whole numbers are float, if so."""
    if not _whole(present) or _written_with_decimals(present, texts):
        return "float", None
    measured = _measurement(name)
    if measured is not None:
        return "float", (
            f"whole numbers here, but {measured!r} names a measurement: float, "
            "so 70.5 is accepted too"
        )
    return "int", None


def _numeric(name: str, present: pd.Series, texts: pd.Series | None) -> tuple[list[str], str]:
    """Rules and a note for a numeric column: ``int`` only for whole counts and codes."""
    dtype, why = _number_type(name, present, texts)
    note = _observed(present) if why is None else f"{_observed(present)}; {why}"
    return [f"dtype: {dtype}", _bounds(present, integer=dtype == "int")], note


def _rules(name: str, present: pd.Series, texts: pd.Series | None) -> tuple[list[str], list[str]]:
    """The rules and notes for a column's values (``present``: its non-empty cells)."""
    if pd.api.types.is_bool_dtype(present):
        return ["dtype: bool"], []
    if pd.api.types.is_numeric_dtype(present):
        if _whole(present) and _identifier(present):
            return (
                ["dtype: int", "unique: true", "feature: false"],
                ["every value distinct: an identifier? if not, feature: true and bounds"],
            )
        rules, note = _numeric(name, present, texts)
        return rules, [note]
    dates = _dates(present)
    if dates is not None:
        return dates
    if _identifier(present):
        return ["dtype: category", "unique: true", "feature: false"], [
            "every value distinct: an identifier?"
        ]
    distinct = sorted(present.astype("str").unique())
    if len(distinct) > MAX_CATEGORIES:
        return ["dtype: text"], [
            f"free text? {len(distinct)} distinct values, more than {MAX_CATEGORIES} "
            "categories: kept for reference and checked, not learned from"
        ]
    return ["dtype: category", f"categories: {_flow(distinct)}"], []


def _column(name: str, series: pd.Series, texts: pd.Series | None = None) -> str:
    present = series.dropna()
    if present.empty:
        raise InputError(f"column {name!r}: every cell is empty; drop it from the CSV")
    rules, notes = _rules(name, present, texts)
    empty = len(series) - len(present)
    if empty:
        rules.append("nullable: true")
        notes.append(f"{empty} empty")
    comment = f"  # {'; '.join(notes)}" if notes else ""
    flow = "{" + ", ".join(rules) + "}"
    return f"  {_key(name)}: {flow}{comment}"


@dataclasses.dataclass(frozen=True)
class TargetDraft:
    """What the draft infers of the target: its task, its YAML lines, and why (one line)."""

    task: Task
    lines: tuple[str, ...]
    reason: str


def _classes(labels: list[Any], reason: str, gap: str) -> TargetDraft:
    """Two ``labels`` are binary, 3 to ``MAX_CLASSES`` multiclass (``labels`` sorted)."""
    if len(labels) == 2:
        return TargetDraft(
            "binary",
            (
                f"target:  # binary: {reason}",
                f"  values: {_flow(labels)}{gap}",
                f"  positive: {_scalar(labels[1])}"
                "  # the class whose probability the model reports: choose deliberately",
            ),
            f"binary: {reason}",
        )
    return TargetDraft(
        "multiclass",
        (f"target:  # multiclass: {reason}", f"  classes: {_flow(labels)}{gap}"),
        f"multiclass: {reason}",
    )


def _too_few(column: str, labels: list[Any], rows: int, source: str) -> InputError:
    return InputError(
        f"{source}: target {column!r} has 1 distinct value {labels} in {rows} row(s); "
        f"{EXPECTED_TARGET}"
    )


def _number_target(
    column: str, present: pd.Series, texts: pd.Series | None, source: str, gap: str
) -> TargetDraft:
    """Classes for two whole numbers or a few whole codes; regression for other numbers."""
    distinct = present.unique()
    whole = _whole(present)
    labels = sorted(int(value) for value in distinct) if whole else []
    if len(distinct) < 2:
        shown: list[Any] = labels or [float(value) for value in distinct]
        raise _too_few(column, shown, len(present), source)
    dtype, why = _number_type(column, present, texts)
    if whole and len(labels) == 2:
        return _classes(labels, "2 distinct values", gap)
    if whole and dtype == "int" and len(labels) <= MAX_CLASSES:
        regression = "{" + f"dtype: int, {_bounds(present, integer=True)}" + "}"
        reason = (
            f"{len(labels)} distinct whole numbers ({MAX_CLASSES} at most: class codes, in "
            f"numeric order); a count or a score? then regression: target: {regression}"
        )
        return _classes(labels, reason, gap)
    notes = [f"{len(distinct)} distinct numbers, {_observed(present)}"]
    if whole and dtype == "int":
        notes.append(f"whole numbers, more than {MAX_CLASSES}: a quantity, not class codes")
    elif whole and len(labels) <= MAX_CLASSES:  # few whole values: codes, were it int
        notes.append(why or "whole numbers here, but written with a decimal point")
        notes.append("class codes? then multiclass: target: {classes: " + _flow(labels) + "}")
    elif why is not None:
        notes.append(why)
    reason = "; ".join(notes)
    minimum, maximum = _limits(present, integer=dtype == "int")
    return TargetDraft(
        "regression",
        (
            f"target:  # regression: {reason}",
            f"  dtype: {dtype}{gap}",
            f"  min: {_scalar(minimum)}",
            f"  max: {_scalar(maximum)}",
        ),
        f"regression: {reason}",
    )


def infer_target(
    column: str, series: pd.Series, texts: pd.Series | None = None, source: str = "the file"
) -> TargetDraft:
    """The task the target ``series`` sets, by the rules of this module's docstring.

    ``texts`` is the column as written (``181`` or ``181.0``); ``source`` names the file
    in messages. Empty cells are rows without a target: counted, not learned from.
    """
    present = series.dropna()
    unlabelled = len(series) - len(present)
    gap = f"  # {unlabelled} row(s) without a target: validate drops them" if unlabelled else ""
    if present.empty:
        raise InputError(
            f"{source}: target {column!r}: every one of {len(series)} cell(s) is empty; "
            f"{EXPECTED_TARGET}"
        )
    kind = pd.api.types.infer_dtype(present, skipna=True)
    if pd.api.types.is_bool_dtype(present) or kind == "boolean":
        labels: list[Any] = sorted({bool(value) for value in present})
        reason = "2 distinct values, true and false"
    elif kind in NUMBER_KINDS:
        return _number_target(column, pd.to_numeric(present), texts, source, gap)
    else:
        labels = sorted({str(value) for value in present})
        if len(labels) > MAX_CLASSES:
            raise InputError(
                f"{source}: target {column!r} has {len(labels)} distinct text values "
                f"{labels[:10]}{' ...' if len(labels) > 10 else ''}; {EXPECTED_TARGET}: "
                f"more than {MAX_CLASSES} text values are free text or an identifier, not classes"
            )
        reason = f"{len(labels)} distinct values"
        if len(labels) > 2:
            reason += ", in sorted order: the order of predict's probability columns"
    if len(labels) < 2:
        raise _too_few(column, labels, len(present), source)
    return _classes(labels, reason, gap)


def draft(
    frame: pd.DataFrame,
    target: str,
    name: str,
    source: str,
    texts: pd.DataFrame | None = None,
) -> str:
    """The YAML text of a draft contract for ``frame`` with label column ``target``.

    ``texts`` is the same file read as text, cell by cell: it tells ``181`` from
    ``181.0``, which the parsed numbers cannot.
    """
    return draft_with_target(frame, target, name, source, texts)[0]


def draft_with_target(
    frame: pd.DataFrame,
    target: str,
    name: str,
    source: str,
    texts: pd.DataFrame | None = None,
) -> tuple[str, TargetDraft]:
    """:func:`draft`, with what it inferred of the target."""
    if target not in frame.columns:
        raise InputError(f"{source}: no target column {target!r}; found {list(frame.columns)}")
    inferred = infer_target(target, frame[target], None if texts is None else texts[target], source)
    lines = [
        f"# Draft contract for {source}, written by draft-contract: review every line",
        "# (docs/adding-a-dataset.md). Bounds are widened beyond the observed range.",
        "# int: whole numbers written without a decimal point, in a column whose name",
        "# does not name a measurement (weight, length, price, _kg, _mm, ...); measurements",
        "# are float even when this sample's values are whole. Dates become calendar",
        "# features (dtype datetime); free text (dtype text) is checked, not learned from.",
        f"name: {name}",
        f"description: {_quoted(f'{name} ({len(frame)} rows)')}",
        *inferred.lines,
        "columns:",
    ]
    lines += [
        _column(str(column), frame[column], None if texts is None else texts[column])
        for column in frame.columns
        if column != target
    ]
    return "\n".join(lines) + "\n", inferred


def run(csv: Path, target: str, output: Path | None) -> None:
    frame = read_csv(csv)
    texts = read_csv(csv, dtype={str(column): "str" for column in frame.columns})
    text, inferred = draft_with_target(frame, target, (output or csv).stem, str(csv), texts)
    said = f"draft-contract: target {target!r} inferred as {inferred.reason}"
    if output is None:
        print(text, end="")
        print(said, file=sys.stderr)  # stdout stays the contract alone
        return
    if output.exists():
        raise InputError(
            f"{output}: already exists; expected a new file (remove it or choose another)"
        )
    write_text(text, output)
    print(said)
    print(f"draft-contract: wrote {output}; review it before `dvc repro`")
