"""`make mutation` in a generated project: mutmut runs, and the report gives a score,
where each surviving mutant is, and the reason each survivor left cannot be killed.

The whole scope (features/, models/, data/) takes far too long for a test, so this
restricts the run to one small module with MUTATE; the generated CI runs the whole
scope on a schedule. The report's parsing of mutmut's files is also checked on a
hand-made results tree, fast, including a method's mutant, and so is its gate: a score
under the floor, a survivor with no reason and a stale reason each fail it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_DIR, BakedProject, ready

SCORE = re.compile(
    r"^mutation score: (\d+)/(\d+) killed \((\d+\.\d)%\); the floor is ([\d.]+)%$", re.MULTILINE
)
SURVIVOR = re.compile(r"^  (src/\S+\.py):(\d+) ([\w.]+): (.+)$", re.MULTILINE)
EXPLAINED = re.compile(r"^equivalent, with the reason in tests/mutation.toml \((\d+)\):$", re.M)
UNEXPLAINED = re.compile(r"^survived, unexplained \((\d+)\):$", re.MULTILINE)
REPORT = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "tools" / "mutation_report.py"


@pytest.mark.slow
@ready("default")
def test_make_mutation_scores_one_module_and_lists_its_survivors(project: BakedProject) -> None:
    package = project.answers["package_name"]
    module = f"src/{package}/features/_stats.py"
    try:
        result = project.run("make", "mutation", f"MUTATE={module}", timeout=600, check=False)
    finally:
        shutil.rmtree(project.path / "mutants", ignore_errors=True)
    output = f"{result.stdout[-3000:]}\n{result.stderr[-2000:]}"
    score = SCORE.search(result.stdout)
    assert score, f"no score line in:\n{output}"
    killed, total, percent, floor = int(score[1]), int(score[2]), float(score[3]), float(score[4])
    assert total > 0
    assert 0 <= killed <= total
    assert percent == pytest.approx(100 * killed / total, abs=0.05)
    survivors = SURVIVOR.findall(result.stdout)
    explained, unexplained = EXPLAINED.search(result.stdout), UNEXPLAINED.search(result.stdout)
    assert explained, output
    assert unexplained, output
    assert int(explained[1]) + int(unexplained[1]) == len(survivors) == total - killed, output
    # The shipped tests/mutation.toml explains every survivor of this module, and the
    # module's score clears the shipped floor: the gate passes.
    assert floor == 90, output
    assert int(unexplained[1]) == 0, output
    assert percent >= floor, output
    assert result.returncode == 0, output
    lines = (project.path / module).read_text(encoding="utf-8").splitlines()
    for path, line, _function, _mutated in survivors:
        assert path == module, f"a mutant outside MUTATE={module} was run: {path}"
        assert 1 <= int(line) <= len(lines)


def run_report(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPORT), str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


ORIGINAL = '''"""A module."""


def limit(value: float, top: float) -> float:
    """At most top."""
    if value > top:
        return top
    return value


class Scaler:
    def __init__(self, factor: float = 2.0) -> None:
        self.factor = factor
'''

MUTATED = '''"""A module."""


def x_limit__mutmut_orig(value: float, top: float) -> float:
    """At most top."""
    if value > top:
        return top
    return value


def x_limit__mutmut_1(value: float, top: float) -> float:
    """At most top."""
    if value >= top:
        return top
    return value


def x_limit__mutmut_2(value: float, top: float) -> float:
    """At most top."""
    if value > top:
        return None
    return value


class Scaler:
    def xǁScalerǁ__init____mutmut_orig(self, factor: float = 2.0) -> None:
        self.factor = factor

    def xǁScalerǁ__init____mutmut_1(self, factor: float = 3.0) -> None:
        self.factor = factor
'''


def results_tree(root: Path) -> None:
    """mutmut's files for one module: 3 mutants run (1 killed, 2 surviving), 1 not run."""
    source = root / "src" / "pkg" / "mod.py"
    mutant = root / "mutants" / "src" / "pkg" / "mod.py"
    for path, text in ((source, ORIGINAL), (mutant, MUTATED)):
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
    codes = {
        "pkg.mod.x_limit__mutmut_1": 0,  # survived
        "pkg.mod.x_limit__mutmut_2": 1,  # killed
        "pkg.mod.xǁScalerǁ__init____mutmut_1": 33,  # no test reaches it
        "pkg.mod.x_limit__mutmut_3": None,  # not run: left out
    }
    mutant.with_name("mod.py.meta").write_text(
        json.dumps({"exit_code_by_key": codes}), encoding="utf-8"
    )


def write_reasons(root: Path, text: str) -> None:
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "mutation.toml").write_text(text, encoding="utf-8")


LIMIT_REASON = """
[[equivalent]]
file = "mod.py"
mutated = "if value >= top:"
reason = "at value == top both branches return the same number"
"""
SCALER_REASON = """
[[equivalent]]
file = "mod.py"
mutated = "def __init__(self, factor: float = 3.0) -> None: [no tests]"
reason = "never matches: the report compares the mutated code, not the status note"
"""


def test_the_report_locates_each_survivor_of_mutmut_results(tmp_path: Path) -> None:
    results_tree(tmp_path)
    result = run_report(tmp_path)
    assert "mutation score: 1/3 killed (33.3%); the floor is 0%" in result.stdout
    assert SURVIVOR.findall(result.stdout) == [
        ("src/pkg/mod.py", "6", "limit", "if value >= top:"),
        (
            "src/pkg/mod.py",
            "12",
            "Scaler.__init__",
            "def __init__(self, factor: float = 3.0) -> None: [no tests]",
        ),
    ], result.stdout
    # No tests/mutation.toml: both survivors are unexplained, and that fails the gate.
    assert "survived, unexplained (2):" in result.stdout
    assert result.returncode == 1
    assert "2 survivor(s) unexplained" in result.stderr


def test_a_survivor_with_its_reason_is_listed_with_it(tmp_path: Path) -> None:
    results_tree(tmp_path)
    write_reasons(tmp_path, "fail_under = 30\n" + LIMIT_REASON)
    result = run_report(tmp_path)
    assert "the floor is 30%" in result.stdout
    explained = result.stdout.split("equivalent, with the reason in tests/mutation.toml (1):\n")[1]
    assert explained.startswith(
        "  src/pkg/mod.py:6 limit: if value >= top:\n"
        "    at value == top both branches return the same number\n"
        "survived, unexplained (1):\n"
        "  src/pkg/mod.py:12 Scaler.__init__: def __init__(self, factor: float = 3.0) -> None:"
    ), result.stdout
    assert result.returncode == 1, "the Scaler survivor has no reason"
    assert "1 survivor(s) unexplained" in result.stderr


def test_the_gate_passes_only_when_every_survivor_is_explained_above_the_floor(
    tmp_path: Path,
) -> None:
    results_tree(tmp_path)
    scaler = SCALER_REASON.replace(" [no tests]", "")
    write_reasons(tmp_path, "fail_under = 33\n" + LIMIT_REASON + scaler)
    passed = run_report(tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "survived, unexplained (0):" in passed.stdout
    assert passed.stderr == ""

    write_reasons(tmp_path, "fail_under = 34\n" + LIMIT_REASON + scaler)
    under = run_report(tmp_path)
    assert under.returncode == 1
    assert "the score 33.3% is under the floor of 34%" in under.stderr


def test_a_reason_that_matches_no_survivor_is_named_but_does_not_fail(tmp_path: Path) -> None:
    """The code changed, or the mutant timed out on a busy machine: a note, not a failure."""
    results_tree(tmp_path)
    gone = LIMIT_REASON.replace("if value >= top:", "if value < top:")
    other_file = LIMIT_REASON.replace('"mod.py"', '"other.py"')  # not run: not judged
    scaler = SCALER_REASON.replace(" [no tests]", "")
    write_reasons(tmp_path, LIMIT_REASON + scaler + gone + other_file)
    result = run_report(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    notes = [line for line in result.stdout.splitlines() if line.startswith("note:")]
    assert notes == [
        "note: tests/mutation.toml: the entry for mod.py `if value < top:` matches no "
        "survivor: delete it if the code changed (a timeout also hides a survivor)"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fail_under = [", "tests/mutation.toml: not valid TOML"),
        ("fail_under = 101", "fail_under must be a number from 0 to 100, not 101"),
        ('fail_under = "90"', "fail_under must be a number from 0 to 100, not '90'"),
        (
            '[[equivalent]]\nfile = "mod.py"\nmutated = "x"',
            "[[equivalent]] number 1 needs file, mutated and reason as non-empty text "
            "(missing or not text: ['reason']; unknown keys: [])",
        ),
        (
            '[[equivalent]]\nfile = "mod.py"\nmutated = "x"\nreason = "r"\nline = 3',
            "(missing or not text: []; unknown keys: ['line'])",
        ),
    ],
)
def test_a_malformed_reasons_file_is_named_with_what_is_wrong(
    tmp_path: Path, text: str, message: str
) -> None:
    results_tree(tmp_path)
    write_reasons(tmp_path, text)
    result = run_report(tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stdout == ""


def test_the_report_without_results_says_to_run_make_mutation(tmp_path: Path) -> None:
    result = run_report(tmp_path)
    assert result.returncode == 1
    assert "run `make mutation` first" in result.stderr
