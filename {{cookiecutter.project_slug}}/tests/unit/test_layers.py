"""The package reads top-down: cli -> stages -> (data, features, models) -> (config, io, errors).

:data:`ALLOWED` is the one table of who may import whom inside the package. Every
import of every module is checked against it, those inside functions too, so a
shortcut (a transformer reading ``params.yaml``, a model reaching up into the
pipeline) fails here, naming the file, the line and the forbidden import, instead of
quietly tangling the layers. A new module is covered by its package's row; a new
layer needs a row of its own (the test says so).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

PACKAGE = "{{ cookiecutter.package_name }}"

# Module (dotted, inside the package; "" is the package itself) -> what it may import.
# A row covers the module and everything under it; the longest matching row wins. An
# entry allows that module and everything under it, except "", the package itself
# (``__version__``).
ALLOWED: dict[str, frozenset[str]] = {
    "": frozenset(),
    "__main__": frozenset({"cli"}),
    "errors": frozenset(),
    "io": frozenset({"errors"}),
    "config": frozenset({"errors", "io"}),
    # The reusable transformers know nothing of params.yaml, data or models ...
    "features": frozenset({"errors", "features"}),
    # ... the one module that builds them from params.yaml's features: section does.
    "features.pipeline": frozenset({"config", "errors", "features"}),
    "data": frozenset({"config", "data", "errors", "io"}),
    # The contract is read by every stage, so it stands on files, io and errors only.
    "data.contract": frozenset({"data.contract", "data.files", "errors", "io"}),
    "models": frozenset({"config", "data", "errors", "features", "io", "models"}),
    # The stages run together: in memory, under DVC, and to rewrite the goldens.
    "pipeline": frozenset({"config", "data", "errors", "features", "io", "models"}),
    "repro": frozenset({"config", "errors", "io"}),
    "golden": frozenset({"config", "data", "errors", "features", "io", "models", "pipeline"}),
    # After training: the reference profile monitoring compares batches against ...
    "monitoring": frozenset({"config", "data", "errors", "io", "monitoring"}),
    # ``monitor``: a batch checked and scored as serving does, against a registry version.
    "monitoring.run": frozenset(
        {"config", "data", "errors", "io", "monitoring", "registry", "serving"}
    ),
    # ... the registry that keeps each version with it, and serving that follows an alias.
    "registry": frozenset({"config", "data", "errors", "io", "models", "monitoring", "registry"}),
    # Serving may record live inputs for monitoring (monitoring.sample).
    "serving": frozenset(
        {"", "config", "data", "errors", "io", "models", "monitoring", "registry", "serving"}
    ),
    # The command line answers --help at once: at the top only the config and errors.
    "cli": frozenset({"", "config", "errors"}),
}

# What a module may import only inside a function (on top of ALLOWED).
LAZY: dict[str, frozenset[str]] = {
    "cli": frozenset(
        {
            "data",
            "features",
            "golden",
            "models",
            "monitoring",
            "pipeline",
            "registry",
            "repro",
            "serving",
        }
    ),
}


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str
    target: str
    lazy: bool


def module_name(path: Path, source: Path) -> str:
    parts = list(path.relative_to(source).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def within(name: str, entry: str) -> bool:
    """Whether the module ``name`` is ``entry`` or under it ("" is the package alone)."""
    return name == entry or (entry != "" and name.startswith(entry + "."))


def rule(module: str, table: dict[str, frozenset[str]]) -> str | None:
    matches = [key for key in table if within(module, key)]
    return max(matches, key=len, default=None)


def imports_of(path: Path, source: Path, package: str, modules: set[str]) -> list[Import]:
    """Every import of the package in ``path``, as the module it reaches."""
    module = module_name(path, source)
    is_package = path.name == "__init__.py"
    found: list[Import] = []

    def inside(dotted: str) -> str | None:
        if dotted == package:
            return ""
        if dotted.startswith(package + "."):
            return dotted.removeprefix(package + ".")
        return None

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            child_lazy = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [t for alias in child.names if (t := inside(alias.name)) is not None]
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    here = module.split(".") if module else []
                    base_parts = here if is_package else here[:-1]
                    base_parts = base_parts[: len(base_parts) - (child.level - 1)]
                    base = ".".join([*base_parts, *([child.module] if child.module else [])])
                else:
                    resolved = inside(child.module or "")
                    if resolved is None:
                        continue
                    base = resolved
                for alias in child.names:
                    submodule = f"{base}.{alias.name}" if base else alias.name
                    targets.append(submodule if submodule in modules else base)
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.extend(Import(path, child.lineno, module, t, child_lazy) for t in targets)
            visit(child, child_lazy)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), lazy=False)
    return found


def violations(source: Path, package: str) -> list[str]:
    """One line per import that breaks :data:`ALLOWED` (and :data:`LAZY`)."""
    paths = sorted(source.rglob("*.py"))
    modules = {module_name(path, source) for path in paths}
    problems: list[str] = []
    for path in paths:
        where = path.relative_to(source.parent)
        module = module_name(path, source)
        key = rule(module, ALLOWED)
        if key is None:
            problems.append(f"{where}: module {module!r} has no row in ALLOWED; add its layer")
            continue
        for found in imports_of(path, source, package, modules):
            if within(found.target, module) and found.target != "":
                continue  # a package importing its own submodules
            allowed = set(ALLOWED[key])
            lazy_key = rule(module, LAZY)
            if found.lazy and lazy_key is not None:
                allowed |= LAZY[lazy_key]
            if any(within(found.target, entry) for entry in allowed):
                continue
            target = f"{package}.{found.target}" if found.target else package
            how = "inside a function " if found.lazy else ""
            problems.append(
                f"{where}:{found.line}: {package}.{module or '__init__'} imports {target} "
                f"{how}(row {key!r} allows {sorted(allowed)})"
            )
    return problems


def test_the_package_imports_only_downwards() -> None:
    problems = violations(PROJECT_ROOT / "src" / PACKAGE, PACKAGE)
    assert not problems, "imports against the layers:\n" + "\n".join(problems)


def test_every_row_names_a_module() -> None:
    source = PROJECT_ROOT / "src" / PACKAGE
    modules = {module_name(path, source) for path in source.rglob("*.py")}
    stale = [key for key in [*ALLOWED, *LAZY] if key not in modules]
    assert not stale, f"rows for modules that no longer exist: {stale}"


def plant(root: Path, files: dict[str, str]) -> Path:
    source = root / "pkg"
    for name, text in files.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return source


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"features/scaler.py": "import os\n\nfrom pkg.config import Params\n"},
            "pkg/features/scaler.py:3: pkg.features.scaler imports pkg.config",
            id="a transformer reads the config",
        ),
        pytest.param(
            {"errors.py": "def f():\n    from pkg.models import train\n"},
            "pkg/errors.py:2: pkg.errors imports pkg.models.train inside a function",
            id="errors imports a model lazily",
        ),
        pytest.param(
            {"models/golden.py": "from pkg.pipeline import run\n"},
            "pkg/models/golden.py:1: pkg.models.golden imports pkg.pipeline",
            id="a model reaches up into the pipeline",
        ),
        pytest.param(
            {"cli.py": "from pkg import pipeline\n"},
            "pkg/cli.py:1: pkg.cli imports pkg.pipeline",
            id="cli imports a stage at the top",
        ),
        pytest.param(
            {"data/contract/checks.py": "from ..validate import split\n"},
            "pkg/data/contract/checks.py:1: pkg.data.contract.checks imports pkg.data.validate",
            id="a relative import from the contract up to a stage",
        ),
        pytest.param(
            {"serve.py": "from pkg.errors import InputError\n"},
            "pkg/serve.py: module 'serve' has no row in ALLOWED",
            id="a module of no layer",
        ),
    ],
)
def test_a_planted_bad_import_fails(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    source = plant(
        tmp_path,
        {
            "__init__.py": "",
            "errors.py": "",
            "config.py": "",
            "pipeline.py": "",
            "features/__init__.py": "",
            "models/__init__.py": "",
            "models/train.py": "",
            "data/__init__.py": "",
            "data/validate.py": "",
            "data/contract/__init__.py": "",
            **files,
        },
    )
    problems = violations(source, "pkg")
    assert any(problem.startswith(expected) for problem in problems), problems


def test_the_allowed_imports_pass(tmp_path: Path) -> None:
    source = plant(
        tmp_path,
        {
            "__init__.py": "",
            "errors.py": "",
            "io.py": "from pkg.errors import InputError\n",
            "config.py": "from pkg import io\n",
            "cli.py": "from pkg import errors\n\ndef run():\n    from pkg import pipeline\n",
            "pipeline.py": "from pkg.models import train\n",
            "models/__init__.py": "",
            "models/train.py": "from pkg.features.pipeline import build\nfrom . import evaluate\n",
            "models/evaluate.py": "",
            "features/__init__.py": "",
            "features/pipeline.py": "from pkg.config import FeaturesConfig\n",
        },
    )
    assert violations(source, "pkg") == []
