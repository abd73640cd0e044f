"""Print the score of the last `mutmut run`, where each surviving mutant is, and why.

`make mutation` runs this after mutmut. mutmut keeps its results beside the mutated
copy of the sources, in ``mutants/<path>.meta`` (an exit code per mutant); a mutant's
code is a function ``x_<name>__mutmut_<n>`` (``xǁ<Class>ǁ<name>__mutmut_<n>`` for a
method) in ``mutants/<path>``, beside the original ``...__mutmut_orig``. This reads
those, so the score and the survivors need nothing but the files:

    mutation score: 118/131 killed (90.1%); the floor is 90%
    equivalent, with the reason in tests/mutation.toml (1):
      src/pkg/features/_stats.py:57 unit_magnitude: divisor = ... (2.0 for 1.0)
        a NaN column's divisor is never used: ...
    survived, unexplained (12):
      src/pkg/features/_stats.py:21 is_constant: return bool(spread < ...)

A survivor's line is the first line its code differs from the original on. A mutant
no test reaches ("no tests") counts as surviving; a timeout counts as killed; mutants
never run (outside ``make mutation MUTATE=...``) are left out.

``tests/mutation.toml`` holds the floor (``fail_under``) and the survivors no test can
kill, each with its reason: an ``[[equivalent]]`` entry names the file (relative to the
package), the mutated line as this report prints it, and why no input tells the mutant
from the original. The report fails (exit 1) when the score is under the floor or when a
survivor has no entry (write a test that kills it, or an entry that says why none can).
An entry of a file that was run and matches no survivor is named in a note: the code
changed (delete the entry), or the mutant ran out of time on a busy machine (a timeout
counts as killed), so it is not a failure.
"""

from __future__ import annotations

import ast
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

MUTANTS = Path("mutants")
EQUIVALENTS = Path("tests/mutation.toml")
SEPARATOR = "ǁ"
# mutmut's exit codes (mutmut/stats.py); any other code is "suspicious".
KILLED: dict[int | None, str] = {
    1: "killed",
    3: "killed",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "caught by type check",
}
SURVIVED: dict[int | None, str] = {0: "survived", 5: "no tests", 33: "no tests"}
NOT_RUN: dict[int | None, str] = {None: "not checked", 34: "skipped", 2: "interrupted"}


@dataclass(frozen=True)
class Survivor:
    path: str
    line: int
    function: str
    status: str
    mutated: str

    def relative(self) -> str:
        """The path inside the package: ``src/<package>/data/x.py`` -> ``data/x.py``."""
        return "/".join(Path(self.path).parts[2:])


@dataclass(frozen=True)
class Equivalent:
    file: str
    mutated: str
    reason: str


def load_equivalents(path: Path) -> tuple[float, list[Equivalent]]:
    """(floor in percent, equivalent mutants) from ``tests/mutation.toml``."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0.0, []
    except tomllib.TOMLDecodeError as error:
        raise SystemExit(f"error: {path}: not valid TOML: {error}") from None
    floor = table.get("fail_under", 0.0)
    if not isinstance(floor, int | float) or not 0 <= floor <= 100:
        raise SystemExit(f"error: {path}: fail_under must be a number from 0 to 100, not {floor!r}")
    found = []
    for number, entry in enumerate(table.get("equivalent", []), start=1):
        fields = {key: entry.get(key) for key in ("file", "mutated", "reason")}
        empty = [key for key, value in fields.items() if not isinstance(value, str) or not value]
        extra = sorted(set(entry) - set(fields))
        if empty or extra:
            raise SystemExit(
                f"error: {path}: [[equivalent]] number {number} needs file, mutated and reason "
                f"as non-empty text (missing or not text: {empty}; unknown keys: {extra})"
            )
        found.append(Equivalent(**fields))
    return float(floor), found


def functions(
    tree: ast.Module,
) -> dict[tuple[str | None, str], ast.FunctionDef | ast.AsyncFunctionDef]:
    """The module's functions and methods by (class or None, name)."""
    found: dict[tuple[str | None, str], ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[None, node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    found[node.name, item.name] = item
    return found


def split_key(key: str) -> tuple[str | None, str, str]:
    """(class or None, original function name, mutant function name) of a mutant key."""
    mangled = key.rpartition(".")[2]
    prefix = mangled.rpartition("__mutmut_")[0]
    if SEPARATOR in prefix:
        _, class_name, name = prefix.split(SEPARATOR)
        return class_name, name, mangled
    return None, prefix.removeprefix("x_"), mangled


def lines_of(source: list[str], node: ast.AST) -> list[str]:
    start, end = getattr(node, "lineno", 1), getattr(node, "end_lineno", None) or 1
    return source[start - 1 : end]


def locate(
    root: Path, source_path: Path, mutant_path: Path, keys: list[tuple[str, str]]
) -> list[Survivor]:
    """Each surviving mutant of one file at the first line where it changes the code."""
    original_source = (root / source_path).read_text(encoding="utf-8").splitlines()
    original = functions(ast.parse("\n".join(original_source)))
    mutated_source = mutant_path.read_text(encoding="utf-8").splitlines()
    mutated = functions(ast.parse("\n".join(mutated_source)))
    survivors = []
    for key, status in keys:
        class_name, name, mangled = split_key(key)
        node = original.get((class_name, name))
        orig_mangled = mangled.rpartition("__mutmut_")[0] + "__mutmut_orig"
        orig_copy = mutated.get((class_name, orig_mangled))
        mutant = mutated.get((class_name, mangled))
        line, text = (node.lineno if node else 1), "(code not found)"
        if node and orig_copy and mutant:
            # The copies differ from the source in their names only, before the mutation.
            before = [
                code.replace(orig_mangled, name) for code in lines_of(mutated_source, orig_copy)
            ]
            after = [code.replace(mangled, name) for code in lines_of(mutated_source, mutant)]
            offset = next(
                (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
                min(len(before), len(after)) - 1,
            )
            line = node.lineno + offset
            text = after[offset].strip() if offset < len(after) else "(lines removed)"
        label = f"{class_name}.{name}" if class_name else name
        survivors.append(Survivor(source_path.as_posix(), line, label, status, text))
    return survivors


def report(root: Path) -> tuple[int, int, list[Survivor], dict[str, int], set[str]]:
    """(killed, total, survivors, count of each status, files with a mutant run — relative
    to the package) of the results under ``root``."""
    killed = total = 0
    ran: set[str] = set()
    survivors: list[Survivor] = []
    statuses: dict[str, int] = {}
    for meta in sorted((root / MUTANTS).rglob("*.py.meta")):
        mutant_path = meta.with_suffix("")
        source_path = mutant_path.relative_to(root / MUTANTS)
        results = json.loads(meta.read_text(encoding="utf-8"))
        codes: dict[str, int | None] = results["exit_code_by_key"]
        surviving: list[tuple[str, str]] = []
        for key, code in codes.items():
            status = NOT_RUN.get(code) or KILLED.get(code) or SURVIVED.get(code) or "suspicious"
            statuses[status] = statuses.get(status, 0) + 1
            if code in NOT_RUN:
                continue
            ran.add("/".join(source_path.parts[2:]))
            total += 1
            if code in KILLED:
                killed += 1
            else:
                surviving.append((key, status))
        if surviving:
            survivors += locate(root, source_path, mutant_path, surviving)
    return killed, total, sorted(survivors, key=lambda s: (s.path, s.line)), statuses, ran


def line_of(survivor: Survivor) -> str:
    note = "" if survivor.status == "survived" else f" [{survivor.status}]"
    return f"  {survivor.path}:{survivor.line} {survivor.function}: {survivor.mutated}{note}"


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0] if argv else ".")
    if not (root / MUTANTS).is_dir():
        print(
            f"error: no {MUTANTS}/ in {root.resolve()}: run `make mutation` first", file=sys.stderr
        )
        return 1
    floor, equivalents = load_equivalents(root / EQUIVALENTS)
    killed, total, survivors, statuses, ran = report(root)
    if total == 0:
        print("error: no mutant was run: see mutants/run.log", file=sys.stderr)
        return 1
    score = 100 * killed / total
    print(f"mutation score: {killed}/{total} killed ({score:.1f}%); the floor is {floor:g}%")
    print(
        "by status: " + ", ".join(f"{status} {count}" for status, count in sorted(statuses.items()))
    )
    reasons = {(entry.file, entry.mutated): entry for entry in equivalents}
    explained = [s for s in survivors if (s.relative(), s.mutated) in reasons]
    unexplained = [s for s in survivors if (s.relative(), s.mutated) not in reasons]
    print(f"equivalent, with the reason in {EQUIVALENTS} ({len(explained)}):")
    for survivor in explained:
        print(line_of(survivor))
        print(f"    {reasons[survivor.relative(), survivor.mutated].reason}")
    print(f"survived, unexplained ({len(unexplained)}):")
    for survivor in unexplained:
        print(line_of(survivor))
    matched = {(s.relative(), s.mutated) for s in explained}
    stale = [e for e in equivalents if e.file in ran and (e.file, e.mutated) not in matched]
    failures = []
    if score < floor:
        failures.append(f"the score {score:.1f}% is under the floor of {floor:g}% ({EQUIVALENTS})")
    if unexplained:
        failures.append(
            f"{len(unexplained)} survivor(s) unexplained: write a test that kills each, or an "
            f"[[equivalent]] entry in {EQUIVALENTS} saying why no test can"
        )
    for entry in stale:
        print(
            f"note: {EQUIVALENTS}: the entry for {entry.file} `{entry.mutated}` matches no "
            "survivor: delete it if the code changed (a timeout also hides a survivor)"
        )
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
