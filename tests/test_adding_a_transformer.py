"""Layer 3: the generated guide for adding a feature transformer works, followed to the letter.

The test reads the fenced blocks of ``docs/adding-a-transformer.md`` in order and does
what each says. A ``python`` block's info string says where its code goes:
``append=<path>`` (end of the file), ``file=<path>`` (a new file), or
``file=<path> after=<line>`` / ``before=<line>`` (next to the one line of the file
that reads so, spaces aside). ``bash`` blocks are run line by line, the ``yaml`` block
is applied to ``params.yaml`` as a person would (comments kept), and the ``text`` block is what the convention check
prints when the transformer has no tests. The last block commits through the git
hooks, so the guide's code also passes ruff, mypy and the convention check.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml

from tests.conftest import BakedProject, Baker
from tests.test_adding_a_dataset import set_params

pytestmark = [pytest.mark.slow]

GUIDE = "docs/adding-a-transformer.md"
FENCE = re.compile(r"```(\w+)([^\n]*)\n(.*?)```", re.DOTALL)
PLACEMENT = re.compile(
    r"^ (?P<mode>file|append)=(?P<path>\S+)(?: (?P<where>after|before)=(?P<anchor>.+))?$"
)


def place(project: BakedProject, info: str, code: str) -> str:
    """Put ``code`` where the block's info string says; return the path."""
    match = PLACEMENT.match(info)
    assert match, f"{GUIDE}: a python block must say where it goes, found {info!r}"
    path = project.path / match["path"]
    if match["mode"] == "append":
        path.write_text(path.read_text(encoding="utf-8") + code, encoding="utf-8")
    elif match["where"] is None:
        assert not path.exists(), f"{GUIDE}: {match['path']} is meant to be new"
        path.write_text(code, encoding="utf-8")
    else:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        anchor = match["anchor"].strip()
        found = [index for index, line in enumerate(lines) if line.strip() == anchor]
        assert len(found) == 1, (
            f"{GUIDE}: expected one line {anchor!r} in {match['path']}, found {len(found)}: "
            "the guide is out of date with the code"
        )
        at = found[0] + (1 if match["where"] == "after" else 0)
        lines[at:at] = [code]
        path.write_text("".join(lines), encoding="utf-8")
    return match["path"]


def test_the_transformer_guide_adds_a_tested_wired_transformer(baker: Baker) -> None:
    project = baker.bake(ci_provider="gitlab", cloud_provider="none")
    project.run("make", "setup")
    package = project.answers["package_name"]
    outputs = ""
    expected_failure = ""
    touched: list[str] = []
    for language, info, body in FENCE.findall(project.read(GUIDE)):
        if language == "python":
            touched.append(place(project, info, body))
        elif language == "bash":
            for command in filter(None, (line.strip() for line in body.splitlines())):
                outputs += project.run("bash", "-c", command).stdout
        elif language == "yaml":
            set_params(project, yaml.safe_load(body))
        elif language == "text":
            expected_failure = body.strip()
    assert f"src/{package}/features/signed_log.py" in touched
    assert f"src/{package}/features/transformers.py" in touched
    assert f"src/{package}/config.py" in touched
    assert f"src/{package}/features/pipeline.py" in touched
    assert "tests/property/test_signed_log.py" in touched
    # The estimator checks take the new class from __all__, untouched.
    assert "tests/unit/test_transformers_sklearn.py" not in touched
    checks = ["pytest", "--collect-only", "-q", "tests/unit/test_transformers_sklearn.py"]
    collected = project.run("./tools/uv", "run", "--no-sync", *checks).stdout
    assert "SignedLog()" in collected, "the estimator checks did not pick SignedLog up"
    assert "test_docstring_examples_show_what_happens[SignedLog]" in collected

    # The guide's steps were all committed, through the hooks.
    assert "SignedLog" in project.run("git", "log", "-1", "--format=%s").stdout
    assert project.run("git", "status", "--porcelain", "src", "tests").stdout == ""
    # Switched on, the step is in the saved model, and the goldens were rewritten for it.
    shown = json.loads(project.run("./tools/uv", "run", "--no-sync", package, "show-config").stdout)
    assert shown["params"]["features"]["log"] == {"enabled": True}
    probe = (
        "import joblib; m = joblib.load('models/model.joblib'); "
        "print(list(m.named_steps['features'].named_transformers_['numeric'].named_steps))"
    )
    steps = project.run("./tools/uv", "run", "--no-sync", "python", "-c", probe).stdout
    assert "'clip', 'log', 'scale'" in steps, steps
    project.run("./tools/uv", "run", "--no-sync", "pytest", "-q", "tests/golden")

    # What the guide says the check prints when the tests are missing.
    assert expected_failure, f"{GUIDE}: expected a text block with the check's message"
    tests = project.path / "tests" / "property" / "test_signed_log.py"
    hidden = project.path / "test_signed_log.py.away"
    shutil.move(tests, hidden)
    try:
        result = project.run("make", "conventions", check=False)
    finally:
        shutil.move(hidden, tests)
    assert result.returncode != 0
    assert expected_failure in result.stderr + result.stdout
