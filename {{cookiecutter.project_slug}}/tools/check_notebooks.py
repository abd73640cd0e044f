"""Notebooks in ``notebooks/`` are named by the rule, committed without outputs, and run.

The naming rule (after the cookiecutter-data-science convention,
drivendataorg/cookiecutter-data-science): ``<number>-<initials>-<topic>.ipynb``, e.g.
``01-al-explore-data.ipynb``: a two-digit number that orders them, the author's
initials (2 to 4 lower-case letters), and a topic in lower-case words joined by
hyphens. A notebook anywhere else in the project (outside ``notebooks/``, ``.venv/``
and other hidden folders) is reported too: exploration lives in one place.

Checks, each reported as ``<path>: expected ..., found ...``:

- every notebook's name follows the rule;
- every notebook is committed clean: no outputs, no execution counts, no cell
  metadata (the ``nbstripout`` git hook strips them on commit);
- with ``--execute``, every notebook runs top to bottom in a fresh kernel, started in
  ``notebooks/`` (what ``make notebooks`` and the template's tests run); the first
  error stops that notebook and is reported with its cell number. The notebook file is
  never rewritten.

Usage: ``python tools/check_notebooks.py [--execute] [--timeout SECONDS] [PROJECT_ROOT]``.
Exit 1, with one line per problem, if any notebook breaks a rule.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

PROGRAM = "tools/check_notebooks.py"
FOLDER = "notebooks"
NAME_RULE = re.compile(
    r"(?P<number>\d{2})-(?P<initials>[a-z]{2,4})-(?P<topic>[a-z0-9]+(?:-[a-z0-9]+)*)\.ipynb"
)
NAME_EXAMPLE = "01-al-explore-data.ipynb"
SKIPPED_FOLDERS = frozenset({"mutants", "node_modules", "site"})


def notebooks(root: Path) -> list[Path]:
    """Every ``*.ipynb`` of the project, hidden folders and build outputs excepted."""
    found = []
    for path in sorted(root.rglob("*.ipynb")):
        parts = path.relative_to(root).parts
        if any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts[:-1]):
            continue
        found.append(path)
    return found


def name_problems(root: Path, path: Path) -> list[str]:
    relative = path.relative_to(root).as_posix()
    problems = []
    if path.parent != root / FOLDER:
        problems.append(
            f"{relative}: expected notebooks in {FOLDER}/ (no subfolders), found it here"
        )
    if not NAME_RULE.fullmatch(path.name):
        problems.append(
            f"{relative}: expected a name <number>-<initials>-<topic>.ipynb such as "
            f"{NAME_EXAMPLE} (two digits, 2-4 lower-case initials, lower-case words "
            f"joined by hyphens), found {path.name!r}"
        )
    return problems


def read_notebook(path: Path) -> dict[str, Any]:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"expected a notebook (JSON), could not read it: {error}") from error
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(
            "expected a notebook (a JSON object with a 'cells' list), found another JSON value"
        )
    return notebook


def clean_problems(relative: str, notebook: dict[str, Any]) -> list[str]:
    """What the nbstripout hook would remove: outputs, execution counts, cell metadata."""
    problems = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell, dict):
            problems.append(f"{relative}: cell {number}: expected a JSON object, found {cell!r}")
            continue
        if cell.get("outputs"):
            problems.append(
                f"{relative}: cell {number}: expected no outputs in git, found "
                f"{len(cell['outputs'])}: run `make format` or commit through the nbstripout hook"
            )
        if cell.get("execution_count") is not None:
            problems.append(
                f"{relative}: cell {number}: expected no execution count in git, found "
                f"{cell['execution_count']}"
            )
        if cell.get("metadata"):
            problems.append(
                f"{relative}: cell {number}: expected empty cell metadata in git, found "
                f"keys {sorted(cell['metadata'])}"
            )
    return problems


def execute(path: Path, timeout: int) -> str | None:
    """Run the notebook in a fresh kernel started in its folder; the first error, or None."""
    import nbclient  # the kernel machinery only when asked to execute
    import nbformat
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = nbclient.NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        cell = next(
            (
                number
                for number, each in enumerate(notebook.cells, start=1)
                if any(output.get("output_type") == "error" for output in each.get("outputs", []))
            ),
            None,
        )
        where = f"cell {cell}" if cell is not None else "a cell"
        last = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        return f"expected it to run top to bottom, {where} failed: {last}"
    except TimeoutError as error:
        return f"expected each cell to finish within {timeout} s, one did not: {error}"
    return None


def check(root: Path, run: bool, timeout: int) -> list[str]:
    problems = []
    for path in notebooks(root):
        relative = path.relative_to(root).as_posix()
        problems.extend(name_problems(root, path))
        try:
            notebook = read_notebook(path)
        except ValueError as error:
            problems.append(f"{relative}: {error}")
            continue
        problems.extend(clean_problems(relative, notebook))
        if run:
            started = time.monotonic()
            failure = execute(path, timeout)
            if failure is not None:
                problems.append(f"{relative}: {failure}")
            else:
                print(f"{relative}: ran in {time.monotonic() - started:.1f} s")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROGRAM, description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("root", nargs="?", default=".", type=Path, help="the project folder")
    parser.add_argument("--execute", action="store_true", help="also run every notebook")
    parser.add_argument("--timeout", type=int, default=120, help="seconds each cell may take")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    problems = check(root, args.execute, args.timeout)
    for problem in problems:
        print(f"{PROGRAM}: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
