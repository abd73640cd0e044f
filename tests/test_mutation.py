"""`make mutation` in a generated project: mutmut runs, and the report gives a score and
where each surviving mutant is.

The whole scope (features/, models/, data/) takes far too long for a test, so this
restricts the run to one small module with MUTATE; the generated CI runs the whole
scope on a schedule. The report's parsing of mutmut's files is also checked on a
hand-made results tree, fast, including a method's mutant.
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

SCORE = re.compile(r"^mutation score: (\d+)/(\d+) killed \((\d+\.\d)%\)$", re.MULTILINE)
SURVIVOR = re.compile(r"^  (src/\S+\.py):(\d+) ([\w.]+): (.+)$", re.MULTILINE)
REPORT = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "tools" / "mutation_report.py"


@pytest.mark.slow
@ready("default")
def test_make_mutation_scores_one_module_and_lists_its_survivors(project: BakedProject) -> None:
    package = project.answers["package_name"]
    module = f"src/{package}/features/_stats.py"
    try:
        result = project.run("make", "mutation", f"MUTATE={module}", timeout=600)
    finally:
        shutil.rmtree(project.path / "mutants", ignore_errors=True)
    score = SCORE.search(result.stdout)
    assert score, f"no score line in:\n{result.stdout[-3000:]}"
    killed, total, percent = int(score[1]), int(score[2]), float(score[3])
    assert total > 0
    assert 0 <= killed <= total
    assert percent == pytest.approx(100 * killed / total, abs=0.05)
    survivors = SURVIVOR.findall(result.stdout)
    assert f"survived ({len(survivors)}):" in result.stdout, result.stdout[-3000:]
    assert len(survivors) == total - killed, result.stdout[-3000:]
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


def test_the_report_locates_each_survivor_of_mutmut_results(tmp_path: Path) -> None:
    source = tmp_path / "src" / "pkg" / "mod.py"
    mutant = tmp_path / "mutants" / "src" / "pkg" / "mod.py"
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
    result = run_report(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "mutation score: 1/3 killed (33.3%)" in result.stdout
    assert SURVIVOR.findall(result.stdout) == [
        ("src/pkg/mod.py", "6", "limit", "if value >= top:"),
        (
            "src/pkg/mod.py",
            "12",
            "Scaler.__init__",
            "def __init__(self, factor: float = 3.0) -> None: [no tests]",
        ),
    ], result.stdout


def test_the_report_without_results_says_to_run_make_mutation(tmp_path: Path) -> None:
    result = run_report(tmp_path)
    assert result.returncode == 1
    assert "run `make mutation` first" in result.stderr
