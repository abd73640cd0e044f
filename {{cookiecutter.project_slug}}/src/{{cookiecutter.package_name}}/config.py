"""Typed view of ``params.yaml`` and of the environment the code runs in.

Every knob of the pipeline lives in ``params.yaml`` (DVC tracks it per stage);
this module turns it into frozen dataclasses and checks it at start-up, before any
stage reads or writes a file: a typo in a key, a value of the wrong type, a number
outside its range or a path leading out of the project fails with one line naming
the key, the value found and what was expected.

Each knob declares its valid range once, next to its field (``knob(0.25, above=0,
below=1)``); paths are declared with ``project_path(...)``. A knob that may be left
unset is typed ``int | None`` (``null`` in params.yaml) and its range applies when set.
Each model has a section of its own under ``train:``; ``train.model`` picks the one used.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import types
import typing
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from {{ cookiecutter.package_name }}.errors import ConfigError, quote, quote_all
from {{ cookiecutter.package_name }}.io import read_yaml

Environment = Literal["dev", "test", "uat", "live"]
ENVIRONMENTS: tuple[Environment, ...] = get_args(Environment)
ENVIRONMENT_VARIABLE = "{{ cookiecutter.package_name.upper() }}_ENV"
# Where the model registry lives: a folder (ignored by git) or an s3://, gs://, az:// URL.
REGISTRY_VARIABLE = "{{ cookiecutter.package_name.upper() }}_REGISTRY"
DEFAULT_REGISTRY = "registry"
DEFAULT_PARAMS_PATH = Path("params.yaml")
SKLEARN_PREFIX = "sklearn:"
MAX_SEED = 2**32 - 1  # numpy and scikit-learn accept seeds in [0, 2**32 - 1]

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Range:
    """The valid values of a number knob; ``None`` leaves a side open."""

    at_least: float | None = None
    above: float | None = None
    at_most: float | None = None
    below: float | None = None

    def __contains__(self, value: float) -> bool:
        return (
            not (isinstance(value, float) and not math.isfinite(value))
            and (self.at_least is None or value >= self.at_least)
            and (self.above is None or value > self.above)
            and (self.at_most is None or value <= self.at_most)
            and (self.below is None or value < self.below)
        )

    def describe(self) -> str:
        """In words: ``above 0 and below 1``, ``from 0 to 1``, ``at least 1``."""
        if self.at_least is not None and self.at_most is not None:
            return f"from {_number(self.at_least)} to {_number(self.at_most)}"
        words = [
            f"{name} {_number(bound)}"
            for name, bound in (
                ("at least", self.at_least),
                ("above", self.above),
                ("at most", self.at_most),
                ("below", self.below),
            )
            if bound is not None
        ]
        return " and ".join(words) if words else "finite"


def _number(bound: float) -> str:
    return f"{bound:g}" if abs(bound) < 1e6 else f"{int(bound):,}"


def knob(
    default: T,
    *,
    at_least: float | None = None,
    above: float | None = None,
    at_most: float | None = None,
    below: float | None = None,
) -> T:
    """A number field with its valid range, checked when ``params.yaml`` is loaded."""
    bounds = Range(at_least=at_least, above=above, at_most=at_most, below=below)
    field: T = dataclasses.field(default=default, metadata={"range": bounds})
    return field


def project_path(default: str) -> str:
    """A path field: relative to the project folder, and inside it once resolved."""
    field: str = dataclasses.field(default=default, metadata={"path": True})
    return field


@dataclasses.dataclass(frozen=True)
class DataConfig:
    source: str = "sklearn:breast_cancer"  # "sklearn:<loader>" or a path to a CSV file
    target: str = "target"  # a column name: not empty
    contract: str = project_path("contracts/breast_cancer.yaml")
    raw_path: str = project_path("data/raw/dataset.csv")
    train_path: str = project_path("data/processed/train.csv")
    test_path: str = project_path("data/processed/test.csv")
    test_size: float = knob(0.25, above=0, below=1)  # share of rows held out for evaluation


@dataclasses.dataclass(frozen=True)
class OutlierConfig:
    enabled: bool = True
    lower_quantile: float = knob(0.01, at_least=0, below=1)  # and below upper_quantile
    upper_quantile: float = knob(0.99, above=0, at_most=1)


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
    threshold: float = knob(0.95, at_least=0, at_most=1)  # |Pearson r| above it: drop


@dataclasses.dataclass(frozen=True)
class NonLinearConfig:
    enabled: bool = True
    method: Literal["spline", "polynomial"] = "spline"
    n_knots: int = knob(4, at_least=2, at_most=100)
    degree: int = knob(3, at_least=1, at_most=5)  # polynomial columns grow as C(n + d, d)


@dataclasses.dataclass(frozen=True)
class EncodingConfig:
    enabled: bool = True
    max_categories: int = knob(20, at_least=1)


# The calendar parts a date column can become (features/calendar_encoder.py's PARTS).
CalendarPart = Literal["year", "month", "day_of_week", "day_of_year", "hour", "minute"]


@dataclasses.dataclass(frozen=True)
class CalendarConfig:
    enabled: bool = True
    parts: tuple[CalendarPart, ...] = ("year", "month", "day_of_week", "day_of_year", "hour")


@dataclasses.dataclass(frozen=True)
class FeaturesConfig:
    calendar: CalendarConfig = CalendarConfig()
    imputation: ImputationConfig = ImputationConfig()
    outliers: OutlierConfig = OutlierConfig()
    scaling: ScalingConfig = ScalingConfig()
    correlation: CorrelationConfig = CorrelationConfig()
    nonlinear: NonLinearConfig = NonLinearConfig()
    encoding: EncodingConfig = EncodingConfig()


@dataclasses.dataclass(frozen=True)
class LinearConfig:
    """Logistic regression for a class target, ridge regression (alpha = 1/(2C)) for a number."""

    C: float = knob(1.0, above=0)  # inverse regularisation strength
    max_iter: int = knob(2000, at_least=1)


@dataclasses.dataclass(frozen=True)
class RandomForestConfig:
    n_estimators: int = knob(200, at_least=1)
    max_depth: int | None = knob(None, at_least=1)  # None: grow until the leaves are pure


@dataclasses.dataclass(frozen=True)
class HistGradientBoostingConfig:
    max_iter: int = knob(200, at_least=1)  # boosting rounds
    learning_rate: float = knob(0.1, above=0, at_most=1)
    max_leaf_nodes: int = knob(31, at_least=2)  # per tree
    l2_regularization: float = knob(0.0, at_least=0)


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """``model`` names the section below that is used; each model has its own knobs."""

    model: Literal["linear", "random_forest", "hist_gradient_boosting"] = "linear"
    linear: LinearConfig = LinearConfig()
    random_forest: RandomForestConfig = RandomForestConfig()
    hist_gradient_boosting: HistGradientBoostingConfig = HistGradientBoostingConfig()
    model_path: str = project_path("models/model.joblib")


@dataclasses.dataclass(frozen=True)
class PrivacyConfig:
    """The privacy audit (models/privacy.py): membership inference against the model."""

    max_membership_auc: float = knob(0.6, at_least=0.5, at_most=1)


@dataclasses.dataclass(frozen=True)
class EvaluateConfig:
    threshold: float = knob(0.5, above=0, below=1)  # P(positive) at or above it: positive
    privacy: PrivacyConfig = PrivacyConfig()
    metrics_path: str = project_path("reports/metrics.json")
    plots_dir: str = project_path("reports/plots")


@dataclasses.dataclass(frozen=True)
class MonitoringConfig:
    """When ``monitor`` alerts on a batch (monitoring/drift.py; docs/monitoring.md)."""

    psi: float = knob(0.2, above=0)  # a PSI at or above it: the feature drifted
    p_value: float = knob(0.01, above=0, below=1)  # for a whole report (Bonferroni)
    missing_rate_change: float = knob(0.1, above=0, at_most=1)
    new_category_share: float = knob(0.01, above=0, at_most=1)
    chunk_rows: int = knob(100_000, at_least=1)  # rows read and counted at a time
    prediction_rows: int = knob(50_000, at_least=1)  # rows scored: a uniform sample


@dataclasses.dataclass(frozen=True)
class TrainingJobConfig:
    """What the training Job requests in the cluster (tools/training_job.py writes it)."""

    cpu: float = knob(2.0, above=0, at_most=64)  # cores, requested and the limit
    memory_gib: float = knob(4.0, above=0, at_most=512)  # GiB, requested and the limit


@dataclasses.dataclass(frozen=True)
class Params:
    seed: int = knob(42, at_least=0, at_most=MAX_SEED)
    data: DataConfig = DataConfig()
    features: FeaturesConfig = FeaturesConfig()
    train: TrainConfig = TrainConfig()
    evaluate: EvaluateConfig = EvaluateConfig()
    monitoring: MonitoringConfig = MonitoringConfig()
    training_job: TrainingJobConfig = TrainingJobConfig()


def _optional(kind: Any) -> Any | None:
    """``int`` for ``int | None``; ``None`` if ``kind`` is not an optional type."""
    if get_origin(kind) not in (typing.Union, types.UnionType):
        return None
    options = [option for option in get_args(kind) if option is not types.NoneType]
    if len(options) != 1 or len(get_args(kind)) != 2:
        raise TypeError(f"only X | None unions are supported in params, not {kind}")
    return options[0]


def _convert(kind: Any, value: Any, where: str, root: Path, *, nullable: bool = False) -> Any:
    """Check ``value`` against the annotation ``kind``; build nested dataclasses.

    ``X | None`` accepts ``null`` (``None``) or a value of ``X``.
    """
    inner = _optional(kind)
    if inner is not None:
        return None if value is None else _convert(inner, value, where, root, nullable=True)
    or_null = " or null" if nullable else ""
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _build(kind, value, where, root)
    if get_origin(kind) is tuple:  # tuple[X, ...]: a non-empty list, each value once
        element = get_args(kind)[0]
        if not isinstance(value, list) or not value:
            raise ConfigError(f"{where}: expected a non-empty list{or_null}, found {quote(value)}")
        items = tuple(
            _convert(element, item, f"{where}[{index}]", root) for index, item in enumerate(value)
        )
        repeated = sorted({str(item) for item in items if items.count(item) > 1})
        if repeated:
            raise ConfigError(
                f"{where}: expected each value once, found {quote_all(repeated)} more than once"
            )
        return items
    if get_origin(kind) is Literal:
        if value not in get_args(kind):
            raise ConfigError(
                f"{where}: expected one of {list(get_args(kind))}{or_null}, found {quote(value)}"
            )
        return value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            f"{where}: expected {kind.__name__}{or_null}, "
            f"found {type(value).__name__} {quote(value)}"
        )
    return value


def check_path(value: str, where: str, root: Path) -> None:
    """A path from params.yaml must be relative and, symlinks resolved, inside ``root``."""
    if not value.strip():
        raise ConfigError(f"{where}: expected a path inside the project, found {quote(value)}")
    if Path(value).is_absolute():
        raise ConfigError(
            f"{where}: expected a path relative to the project folder, "
            f"found the absolute path {quote(value)}"
        )
    project = root.resolve()
    resolved = (project / value).resolve()
    if not resolved.is_relative_to(project):
        raise ConfigError(
            f"{where}: expected a path inside the project folder {project}, "
            f"found {quote(value)}, which leads to {resolved}"
        )


def _check_field(
    field: dataclasses.Field[Any], kind: Any, value: Any, written: Any, where: str, root: Path
) -> None:
    """The field's declared range or path rule; ``written`` is the value as in the file.

    An optional knob left unset (``None``) has nothing to check.
    """
    if value is None:
        return
    kind = _optional(kind) or kind
    bounds = field.metadata.get("range")
    if isinstance(bounds, Range) and value not in bounds:
        number = "an integer" if kind is int else "a number"
        text = bounds.describe()
        text = f"of {text}" if text.startswith("at ") else text
        raise ConfigError(f"{where}: expected {number} {text}, found {quote(written)}")
    if field.metadata.get("path"):
        check_path(value, where, root)


def _check_relations(built: Any, where: str) -> None:
    """Rules that tie two knobs together."""
    if isinstance(built, OutlierConfig) and not built.lower_quantile < built.upper_quantile:
        raise ConfigError(
            f"{where}: expected lower_quantile below upper_quantile, found "
            f"lower_quantile {built.lower_quantile:g} and upper_quantile {built.upper_quantile:g}"
        )
    if isinstance(built, DataConfig) and not built.target.strip():
        raise ConfigError(f"{where}.target: expected a column name, found {quote(built.target)}")


def _build(cls: type[Any], raw: Any, where: str, root: Path) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping, found {type(raw).__name__} {quote(raw)}")
    hints = get_type_hints(cls)
    fields = {field.name: field for field in dataclasses.fields(cls)}
    unknown = sorted(str(key) for key in set(raw) - set(fields))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {quote_all(unknown)}; expected some of {sorted(fields)}"
        )
    values = {
        key: _convert(hints[key], value, f"{where}.{key}", root) for key, value in raw.items()
    }
    built = cls(**values)
    for name, field in fields.items():  # defaults too: a path default may be a symlink
        if not dataclasses.is_dataclass(hints[name]):
            value = getattr(built, name)
            _check_field(field, hints[name], value, raw.get(name, value), f"{where}.{name}", root)
    _check_relations(built, where)
    return built


def _check_outputs(params: Params, where: str, root: Path) -> None:
    """Each output its own file; a CSV source inside the project like every other path."""
    data = params.data
    if not data.source.startswith(SKLEARN_PREFIX):
        check_path(data.source, f"{where}.data.source", root)
    outputs = {
        "data.raw_path": data.raw_path,
        "data.train_path": data.train_path,
        "data.test_path": data.test_path,
        "train.model_path": params.train.model_path,
        "evaluate.metrics_path": params.evaluate.metrics_path,
        "evaluate.plots_dir": params.evaluate.plots_dir,
    }
    seen: dict[Path, str] = {}
    for key, value in outputs.items():
        resolved = (root / value).resolve()
        if resolved in seen:
            raise ConfigError(
                f"{where}.{key}: expected a file of its own, found {quote(value)}, "
                f"the same path as {seen[resolved]}"
            )
        seen[resolved] = key


def load_params(path: Path = DEFAULT_PARAMS_PATH) -> Params:
    """Read and check ``params.yaml``; every error names the file, the key and the value.

    Relative paths in it are checked against the folder of ``path`` (the project root).
    """
    raw = read_yaml(
        path,
        ConfigError,
        "parameter file not found (run from the project root)",
        "the parameter file",
    )
    root = path.resolve().parent
    params: Params = _build(Params, raw or {}, str(path), root)
    _check_outputs(params, str(path), root)
    return params


def current_environment() -> Environment:
    """The deployment environment, from ``{{ cookiecutter.package_name.upper() }}_ENV`` (default: dev)."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "dev")
    if value not in ENVIRONMENTS:
        raise ConfigError(
            f"{ENVIRONMENT_VARIABLE}: expected one of {list(ENVIRONMENTS)}, found {value!r}"
        )
    return value


def registry_url(given: str | None = None) -> str:
    """The model registry's URL: ``given`` (``--registry``), else ``{{ cookiecutter.package_name.upper() }}_REGISTRY``,
    else the active environment's settings file's ``registry``, else the folder
    ``registry/`` of the project."""
    url = given or os.environ.get(REGISTRY_VARIABLE) or load_settings().registry or DEFAULT_REGISTRY
    if not url.strip():
        raise ConfigError(f"{REGISTRY_VARIABLE}: expected a folder or a URL, found an empty value")
    return url


def as_dict(params: Params) -> dict[str, Any]:
    return dataclasses.asdict(params)


# --- Settings per environment (issue 11) ------------------------------------------------
# settings/<env>.yaml holds what differs between dev, test, uat and live and is not a
# secret; the active file is the one {{ cookiecutter.package_name.upper() }}_ENV names. Secrets come only from the
# environment (the platform's secret store injects them), never from a file in git: a key
# that looks like one, or a URL that carries a password, is refused, naming the file.
SETTINGS_DIR = Path("settings")
SECRET_KEY = re.compile(
    r"pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|"
    r"connection[_-]?string",
    re.IGNORECASE,
)
URL_WITH_PASSWORD = re.compile(r"://[^/@\s]*:[^/@\s]*@")


@dataclasses.dataclass(frozen=True)
class Settings:
    """One environment's settings: ``registry`` null means the variable or the default."""

    registry: str | None = None


def _refuse_secrets(raw: Any, where: str) -> None:
    if isinstance(raw, dict):
        for key, value in raw.items():
            if SECRET_KEY.search(str(key)):
                raise ConfigError(
                    f"{where}.{key}: expected no secret in a settings file (git keeps it), found "
                    f"the key {quote(key)}; set it in the environment instead "
                    "(docs/environments-and-security.md)"
                )
            _refuse_secrets(value, f"{where}.{key}")
    elif isinstance(raw, str) and URL_WITH_PASSWORD.search(raw):
        raise ConfigError(
            f"{where}: expected a URL without a password (a secret, git keeps it), found one "
            "with user:password@; set the credentials in the environment instead"
        )


def load_settings(environment: Environment | None = None, folder: Path = SETTINGS_DIR) -> Settings:
    """``folder/<environment>.yaml`` checked (the active environment by default).

    No file: the defaults (a project without a settings folder keeps working).
    """
    chosen = environment or current_environment()
    path = folder / f"{chosen}.yaml"
    if not path.is_file():
        return Settings()
    raw = read_yaml(path, ConfigError, "settings file not found", "a settings file")
    _refuse_secrets(raw, str(path))
    settings: Settings = _build(Settings, raw or {}, str(path), folder.resolve())
    if settings.registry is not None and not settings.registry.strip():
        raise ConfigError(
            f"{path}.registry: expected a folder, a URL or null, found an empty value"
        )
    return settings
