"""Every public feature transformer has a property test.

A transformer is a class defined in ``src/<package>/features/`` whose name does not
start with ``_`` and that defines (or inherits from a class defined there) both
``fit`` and ``transform``. It is covered when its name appears in a test module under
``tests/property/`` that uses hypothesis's ``@given`` (as a name, an import or a
decorator anywhere in the module). The check reads source with ``ast`` and imports
nothing, so it runs in milliseconds as a pre-commit hook and in ``make conventions``.

Usage: ``python tools/check_property_tests.py [PROJECT_ROOT]`` (default: the current
directory). Exit 1, with one line per uncovered transformer, if any is uncovered.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PROGRAM = "tools/check_property_tests.py"
REQUIRED_METHODS = frozenset({"fit", "transform"})


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


def find_transformers(features_dir: Path, root: Path) -> list[Transformer]:
    """Public classes under ``features_dir`` with ``fit`` and ``transform``.

    Methods inherited from another class in the same package count (a private base
    class may hold ``transform``); methods from outside (scikit-learn's mixins) do not
    need to, since ``fit`` and ``transform`` are what each transformer writes itself.
    """
    classes: dict[str, tuple[ast.ClassDef, Path]] = {}
    for path in sorted(features_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, (node, path))

    def methods(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if name not in classes or name in seen:
            return set()
        node, _ = classes[name]
        found = _class_methods(node)
        for base in _base_names(node):
            found |= methods(base, seen | {name})
        return found

    found = [
        Transformer(name, path.relative_to(root), node.lineno)
        for name, (node, path) in classes.items()
        if not name.startswith("_") and methods(name) >= REQUIRED_METHODS
    ]
    return sorted(found, key=lambda item: (str(item.path), item.line))


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
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        if _uses_given(tree):
            covered |= _names_used(tree)
    return covered


def features_dirs(root: Path) -> list[Path]:
    return sorted(path for path in (root / "src").glob("*/features") if path.is_dir())


def uncovered(root: Path) -> list[Transformer]:
    property_dir = root / "tests" / "property"
    covered = covered_names(property_dir) if property_dir.is_dir() else set()
    return [
        transformer
        for directory in features_dirs(root)
        for transformer in find_transformers(directory, root)
        if transformer.name not in covered
    ]


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path.cwd()
    if not (root / "src").is_dir():
        print(f"{PROGRAM}: {root}: no src/ folder; expected the project root", file=sys.stderr)
        return 2
    missing = uncovered(root)
    for transformer in missing:
        print(
            f"{PROGRAM}: {transformer.name} ({transformer.path}:{transformer.line}) "
            "has no property test in tests/property/",
            file=sys.stderr,
        )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
