"""Every feature transformer has a property test and passes scikit-learn's estimator checks.

The transformers are the classes named in ``__all__`` of
``src/<package>/features/transformers.py``: the one list that says what the package
offers (functions listed there are helpers and need neither). A class may be defined
there or, as the template does, in a module of its own in ``features/`` and imported
there. Each must be

- used in a test module under ``tests/property/`` that uses hypothesis's ``@given``
  (as a name, an import or a decorator anywhere in the module), and
- run through ``tests/unit/test_transformers_sklearn.py``: either that module reads
  ``__all__`` (the template's builds the list given to ``parametrize_with_checks``
  from it), or it instantiates the class; importing it there is not enough.

A public class in ``features/`` with ``fit`` and ``transform`` (its own or inherited
from a class defined there, such as the base class in ``_base.py``) that is missing
from ``__all__`` fails too (classes of private modules, ``_base.py``, excepted), so a new transformer cannot dodge both checks by staying out of
the list. The check reads source with ``ast`` and imports nothing, so it runs in
milliseconds as a pre-commit hook and in ``make conventions``.

Usage: ``python tools/check_property_tests.py [PROJECT_ROOT]`` (default: the current
directory). Exit 1, with one line per problem, if any transformer is not covered.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PROGRAM = "tools/check_property_tests.py"
REQUIRED_METHODS = frozenset({"fit", "transform"})
TRANSFORMERS_MODULE = "features/transformers.py"
PROPERTY_DIR = Path("tests/property")
ESTIMATOR_CHECKS = Path("tests/unit/test_transformers_sklearn.py")


class ProjectError(Exception):
    """The project does not have the layout the check reads."""


@dataclass(frozen=True)
class Transformer:
    name: str
    path: Path
    line: int


def _class_methods(node: ast.ClassDef) -> set[str]:
    return {
        item.name for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def _base_names(node: ast.ClassDef) -> list[str]:
    names = []
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.append(base.id)
        elif isinstance(base, ast.Attribute):
            names.append(base.attr)
    return names


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def exported_names(tree: ast.Module, where: str) -> list[str]:
    """The strings of the module's ``__all__ = [...]`` (or a tuple)."""
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
            if isinstance(value, ast.List | ast.Tuple) and all(
                isinstance(item, ast.Constant) and isinstance(item.value, str)
                for item in value.elts
            ):
                return [str(item.value) for item in value.elts if isinstance(item, ast.Constant)]
            raise ProjectError(f"{where}: __all__ must be a literal list of names")
    raise ProjectError(f"{where}: no __all__; expected the list of the module's transformers")


@dataclass(frozen=True)
class ClassInfo:
    node: ast.ClassDef
    path: Path  # relative to the project root


def transformer_classes(classes: dict[str, ClassInfo]) -> dict[str, ClassInfo]:
    """The public classes with ``fit`` and ``transform`` among ``classes``.

    Methods inherited from another of ``classes`` count (the private base class holds
    ``fit`` and ``transform``); scikit-learn's mixins do not need to.
    """

    def methods(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if name not in classes or name in seen:
            return set()
        node = classes[name].node
        found = _class_methods(node)
        for base in _base_names(node):
            found |= methods(base, seen | {name})
        return found

    return {
        name: info
        for name, info in classes.items()
        if not name.startswith("_") and methods(name) >= REQUIRED_METHODS
    }


def transformers_module(root: Path) -> Path:
    found = sorted((root / "src").glob(f"*/{TRANSFORMERS_MODULE}"))
    if len(found) != 1:
        raise ProjectError(
            f"{root}: expected one src/<package>/{TRANSFORMERS_MODULE}, found {len(found)}"
        )
    return found[0]


def _top_level_names(tree: ast.Module) -> dict[str, ast.stmt]:
    defined: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            defined[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined.update((t.id, node) for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            defined.update((alias.asname or alias.name, node) for alias in node.names)
    return defined


def _private_module(path: Path) -> bool:
    """``_base.py`` holds plumbing (the base class), not transformers on offer."""
    return path.stem.startswith("_") and path.stem != "__init__"


def find_transformers(root: Path) -> tuple[list[Transformer], list[str]]:
    """The transformers of ``__all__``, and problems with the list itself."""
    path = transformers_module(root)
    relative = path.relative_to(root)
    tree = _parse(path)
    exported = exported_names(tree, str(relative))
    defined = _top_level_names(tree)
    # Every class of the features package, where it is defined: name -> class.
    modules = {
        module.relative_to(root): _parse(module) for module in sorted(path.parent.rglob("*.py"))
    }
    classes = {
        node.name: ClassInfo(node, module)
        for module, module_tree in modules.items()
        for node in module_tree.body
        if isinstance(node, ast.ClassDef)
    }
    problems = [
        f"{name} ({info.path}:{info.node.lineno}) has fit and transform but is not in "
        "__all__; expected every public transformer listed there"
        for name, info in transformer_classes(classes).items()
        if name not in exported and not _private_module(info.path)
    ]
    problems += [
        f"{relative}: __all__ names {name!r}, which the module does not define"
        for name in exported
        if name not in defined
    ]
    transformers = []
    for name in exported:
        node = defined.get(name)
        if isinstance(node, ast.ImportFrom):
            imported = next(
                alias.name for alias in node.names if (alias.asname or alias.name) == name
            )
            source = root / "src" / Path(*(node.module or "").split("."))
            info = classes.get(imported)
            if info is not None and info.path == source.with_suffix(".py").relative_to(root):
                transformers.append(Transformer(name, info.path, info.node.lineno))
        elif isinstance(node, ast.ClassDef):
            transformers.append(Transformer(name, relative, node.lineno))
        # Functions and constants in __all__ are helpers, not transformers.
    return transformers, problems


def _uses_given(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "given":
            return True
        if isinstance(node, ast.Attribute) and node.attr == "given":
            return True
        if isinstance(node, ast.ImportFrom) and any(alias.name == "given" for alias in node.names):
            return True
    return False


def _names_used(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.rsplit(".", 1)[-1])
            names.add(node.name.rsplit(".", 1)[-1])
    return names


def covered_names(property_dir: Path) -> set[str]:
    """Names used in test modules under ``property_dir`` that use ``@given``."""
    covered: set[str] = set()
    for path in sorted(property_dir.rglob("test_*.py")):
        tree = _parse(path)
        if _uses_given(tree):
            covered |= _names_used(tree)
    return covered


def instantiated_names(path: Path) -> set[str]:
    """Names called in ``path`` (``Imputer(...)``, ``transformers.Imputer(...)``)."""
    if not path.is_file():
        return set()
    called: set[str] = set()
    for node in ast.walk(_parse(path)):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                called.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                called.add(node.func.attr)
    return called


def reads_all(path: Path) -> bool:
    """Whether ``path`` reads an ``__all__`` (``transformers.__all__``)."""
    if not path.is_file():
        return False
    return any(
        (isinstance(node, ast.Attribute) and node.attr == "__all__")
        or (isinstance(node, ast.Name) and node.id == "__all__")
        for node in ast.walk(_parse(path))
    )


def problems(root: Path) -> list[str]:
    """One message per uncovered transformer (or problem with ``__all__``)."""
    transformers, found = find_transformers(root)
    property_dir = root / PROPERTY_DIR
    with_properties = covered_names(property_dir) if property_dir.is_dir() else set()
    checked = instantiated_names(root / ESTIMATOR_CHECKS)
    every_listed = reads_all(root / ESTIMATOR_CHECKS)
    for transformer in transformers:
        where = f"{transformer.name} ({transformer.path}:{transformer.line})"
        if transformer.name not in with_properties:
            found.append(f"{where} has no property test in {PROPERTY_DIR}/")
        if transformer.name not in checked and not every_listed:
            found.append(
                f"{where} is not run through scikit-learn's estimator checks; expected an "
                f"instance in the list given to parametrize_with_checks in {ESTIMATOR_CHECKS}"
            )
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path.cwd()
    if not (root / "src").is_dir():
        print(f"{PROGRAM}: {root}: no src/ folder; expected the project root", file=sys.stderr)
        return 2
    try:
        found = problems(root)
    except ProjectError as error:
        print(f"{PROGRAM}: {error}", file=sys.stderr)
        return 2
    for problem in found:
        print(f"{PROGRAM}: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
