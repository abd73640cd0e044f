"""Typed view of ``params.yaml`` and of the environment the code runs in.

Every knob of the pipeline lives in ``params.yaml`` (DVC tracks it per stage);
this module turns it into frozen dataclasses, so a typo in a key or a value of the
wrong type fails at start-up with the key's full path, not deep inside a stage.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

import yaml

ENVIRONMENTS = ("dev", "test", "uat", "live")
Environment = Literal["dev", "test", "uat", "live"]
ENVIRONMENT_VARIABLE = "{{ cookiecutter.package_name.upper() }}_ENV"
DEFAULT_PARAMS_PATH = Path("params.yaml")


class InputError(ValueError):
    """Bad input from a user: reported by the CLI as one line, without a traceback."""


class ConfigError(InputError):
    """A parameter file that does not match the expected shape."""


@dataclasses.dataclass(frozen=True)
class DataConfig:
    source: str = "sklearn:breast_cancer"  # "sklearn:<loader>" or a path to a CSV file
    target: str = "target"
    contract: str = "contracts/breast_cancer.yaml"
    raw_path: str = "data/raw/dataset.csv"
    train_path: str = "data/processed/train.csv"
    test_path: str = "data/processed/test.csv"
    test_size: float = 0.25


@dataclasses.dataclass(frozen=True)
class OutlierConfig:
    enabled: bool = True
    lower_quantile: float = 0.01
    upper_quantile: float = 0.99


@dataclasses.dataclass(frozen=True)
class ImputationConfig:
    enabled: bool = True
    strategy: Literal["mean", "median"] = "median"


@dataclasses.dataclass(frozen=True)
class ScalingConfig:
    enabled: bool = True
    method: Literal["standard", "robust"] = "robust"


@dataclasses.dataclass(frozen=True)
class CorrelationConfig:
    enabled: bool = True
    threshold: float = 0.95


@dataclasses.dataclass(frozen=True)
class NonLinearConfig:
    enabled: bool = True
    method: Literal["spline", "polynomial"] = "spline"
    n_knots: int = 4
    degree: int = 3


@dataclasses.dataclass(frozen=True)
class EncodingConfig:
    enabled: bool = True
    max_categories: int = 20


@dataclasses.dataclass(frozen=True)
class FeaturesConfig:
    imputation: ImputationConfig = ImputationConfig()
    outliers: OutlierConfig = OutlierConfig()
    scaling: ScalingConfig = ScalingConfig()
    correlation: CorrelationConfig = CorrelationConfig()
    nonlinear: NonLinearConfig = NonLinearConfig()
    encoding: EncodingConfig = EncodingConfig()


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    model: Literal["logistic_regression", "random_forest"] = "logistic_regression"
    C: float = 1.0
    max_iter: int = 2000
    n_estimators: int = 200
    model_path: str = "models/model.joblib"


@dataclasses.dataclass(frozen=True)
class EvaluateConfig:
    threshold: float = 0.5
    metrics_path: str = "reports/metrics.json"
    plots_dir: str = "reports/plots"


@dataclasses.dataclass(frozen=True)
class Params:
    seed: int = 42
    data: DataConfig = DataConfig()
    features: FeaturesConfig = FeaturesConfig()
    train: TrainConfig = TrainConfig()
    evaluate: EvaluateConfig = EvaluateConfig()


def _convert(kind: Any, value: Any, where: str) -> Any:
    """Check ``value`` against the annotation ``kind``; build nested dataclasses."""
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _build(kind, value, where)
    origin = get_origin(kind)
    if origin is Literal:
        if value not in get_args(kind):
            raise ConfigError(f"{where}: expected one of {list(get_args(kind))}, found {value!r}")
        return value
    if origin in (typing.Union, types.UnionType):
        raise ConfigError(f"{where}: unions are not supported in params")  # pragma: no cover
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            f"{where}: expected {kind.__name__}, found {type(value).__name__} {value!r}"
        )
    return value


def _build(cls: type[Any], raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping, found {type(raw).__name__} {raw!r}")
    hints = get_type_hints(cls)
    known = {field.name for field in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; expected some of {sorted(known)}")
    values = {key: _convert(hints[key], value, f"{where}.{key}") for key, value in raw.items()}
    return cls(**values)


def load_params(path: Path = DEFAULT_PARAMS_PATH) -> Params:
    """Read and check ``params.yaml``; every error names the file and the key."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(
            f"{path}: parameter file not found (run from the project root)"
        ) from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from error
    params: Params = _build(Params, raw or {}, str(path))
    return params


def current_environment() -> Environment:
    """The deployment environment, from ``{{ cookiecutter.package_name.upper() }}_ENV`` (default: dev)."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "dev")
    if value not in ENVIRONMENTS:
        raise ConfigError(
            f"{ENVIRONMENT_VARIABLE}: expected one of {list(ENVIRONMENTS)}, found {value!r}"
        )
    return typing.cast(Environment, value)


def as_dict(params: Params) -> dict[str, Any]:
    return dataclasses.asdict(params)
