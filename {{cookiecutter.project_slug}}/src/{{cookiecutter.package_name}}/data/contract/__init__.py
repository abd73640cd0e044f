"""The data contract: what a valid file of a dataset looks like, in one YAML file.

``contracts/<name>.yaml`` lists every column with its type (float, int, category,
bool), range, whether it may be empty, its allowed categories and whether values
must be unique, plus the allowed values of the target. ``validate`` checks
``data/raw`` against it with pandera; ``train`` takes its numeric and categorical
columns from it instead of guessing them from pandas dtypes.

In three parts, all importable from here:

- :mod:`.model`: the contract and how it is read from its file (:func:`load_contract`);
- :mod:`.checks`: the strict conversion to the contract's types, then pandera's rules
  (:func:`validate_frame`, :func:`read_dataset`);
- :mod:`.report`: the one-line failure message, where a :class:`RowLocator` says where
  an offending row came from (:class:`CsvLines`: a line of a CSV file).
"""

from __future__ import annotations

from {{ cookiecutter.package_name }}.data.contract.checks import (
    build_schema,
    csv_dtypes,
    read_dataset,
    target_labels,
    validate_frame,
)
from {{ cookiecutter.package_name }}.data.contract.model import (
    ColumnRule,
    ColumnType,
    Contract,
    ContractError,
    Label,
    TargetRule,
    Task,
    load_contract,
)
from {{ cookiecutter.package_name }}.data.contract.report import (
    CSV_LINES,
    ContractViolationError,
    CsvLines,
    Failure,
    RowLocator,
    summarise,
)

__all__ = [
    "CSV_LINES",
    "ColumnRule",
    "ColumnType",
    "Contract",
    "ContractError",
    "ContractViolationError",
    "CsvLines",
    "Failure",
    "Label",
    "RowLocator",
    "TargetRule",
    "Task",
    "build_schema",
    "csv_dtypes",
    "load_contract",
    "read_dataset",
    "summarise",
    "target_labels",
    "validate_frame",
]
