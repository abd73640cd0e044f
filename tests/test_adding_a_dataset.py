"""Layer 3: the generated runbook for adding a dataset works, followed to the letter.

The test reads the fenced blocks of the generated ``docs/adding-a-dataset.md`` in
order and does what each says: ``bash`` blocks are run line by line, the first
``yaml`` block is the reviewed contract, the second the change to ``params.yaml``,
and ``text`` blocks are output the commands must print. The dataset is the Palmer
penguins (from the ``palmerpenguins`` package, no network to a data host): other
columns, another target, missing values and categorical columns.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.conftest import BakedProject, Baker

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("gitlab-nocloud-proprietary")]

RUNBOOK = "docs/adding-a-dataset.md"
BEHAVIOUR = "tests/behaviour/test_model_behaviour.py"
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def blocks(project: BakedProject) -> list[tuple[str, str]]:
    return FENCE.findall(project.read(RUNBOOK))


def commands(block: str) -> list[str]:
    """Lines of a bash block, with backslash continuations joined."""
    return [line.strip() for line in block.replace("\\\n", " ").splitlines() if line.strip()]


KEY_LINE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][\w.-]*):(?P<rest>.*)$")


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True).removesuffix("\n...\n").strip()
    assert "\n" not in text, f"only scalars are set in place, found {value!r}"
    return text


def set_param(text: str, path: tuple[str, ...], value: Any) -> str:
    """``text`` (a YAML file) with ``path`` set to ``value``, comments and layout kept.

    As a person edits params.yaml: the value on the key's line is replaced, its comment
    stays; a key its section lacks is added at the end of the section.
    """
    lines = text.splitlines(keepends=True)
    start, end, parent_indent = 0, len(lines), -1
    for depth, key in enumerate(path):
        found, found_indent = None, 0
        child_indent = None
        for index in range(start, end):
            match = KEY_LINE.match(lines[index].rstrip("\n"))
            if match is None:
                continue
            indent = len(match["indent"])
            if indent <= parent_indent:
                end = index
                break
            child_indent = indent if child_indent is None else child_indent
            if indent == child_indent and match["key"] == key:
                found, found_indent = index, indent
        if found is None:
            pad = " " * (parent_indent + 2)
            tail = path[depth:]
            added = (
                "".join(f"{pad}{'  ' * level}{name}:\n" for level, name in enumerate(tail[:-1]))
                + f"{pad}{'  ' * (len(tail) - 1)}{tail[-1]}: {_scalar(value)}\n"
            )
            while end > start and not lines[end - 1].strip():
                end -= 1  # before the blank lines that end the section
            lines[end:end] = [added]
            return "".join(lines)
        if depth == len(path) - 1:
            match = KEY_LINE.match(lines[found].rstrip("\n"))
            assert match is not None
            old, hash_, comment = match["rest"].partition(" #")
            new = f" {_scalar(value)}"
            width = len(old) if hash_ else len(new)
            lines[found] = (
                f"{match['indent']}{key}:{new.ljust(width)}{hash_}{comment}\n".rstrip() + "\n"
            )
            return "".join(lines)
        start, parent_indent = found + 1, found_indent
        end = len(lines)
    raise AssertionError("unreachable")  # pragma: no cover


def set_params(project: BakedProject, change: dict[str, Any], prefix: tuple[str, ...] = ()) -> None:
    """Apply a params.yaml change block the way a person would, comments kept."""
    for key, value in change.items():
        if isinstance(value, dict):
            set_params(project, value, (*prefix, key))
        else:
            text = set_param(project.read("params.yaml"), (*prefix, key), value)
            (project.path / "params.yaml").write_text(text, encoding="utf-8")


def test_runbook_trains_on_a_second_dataset(baker: Baker) -> None:
    """Every step of the runbook runs; the pipeline trains and evaluates on the penguins."""
    project = baker.bake(ci_provider="gitlab", cloud_provider="none")
    project.run("make", "setup")
    yaml_blocks = 0
    outputs = ""
    expected: list[str] = []
    for language, body in blocks(project):
        if language == "bash":
            if "git commit" in body:
                # Step 5 asks for behaviour-test entries: the commit must take them along.
                with (project.path / BEHAVIOUR).open("a", encoding="utf-8") as tests:
                    tests.write("\n\n# penguins: directions reviewed with a domain expert\n")
            for command in commands(body):
                outputs += project.run("bash", "-c", command).stdout
        elif language == "yaml" and yaml_blocks == 0:
            (project.path / "contracts" / "penguins.yaml").write_text(body, encoding="utf-8")
            yaml_blocks += 1
        elif language == "yaml":
            set_params(project, yaml.safe_load(body))
            assert yaml.safe_load(project.read("params.yaml"))["data"]["target"] == "sex"
            yaml_blocks += 1
        elif language == "text" and not body.startswith("error:"):
            expected.append(body.strip())
    assert yaml_blocks == 2, "the runbook should show the contract and the params change"
    for line in expected:
        assert line in outputs, f"the runbook promises output it does not print:\n{line}"
    metrics = project.run(
        "./tools/uv", "run", "--no-sync", "dvc", "metrics", "show", "--json"
    ).stdout
    assert "roc_auc" in metrics
    assert "penguins" in project.run("git", "log", "-1", "--format=%s").stdout
    uncommitted = project.run("git", "status", "--porcelain", "tests/").stdout
    assert not uncommitted, f"the runbook's commit left test changes behind:\n{uncommitted}"

    # The runbook's example of a broken file: an unknown island stops the pipeline at validate.
    model = project.path / "models" / "model.joblib"
    model_before = model.read_bytes()
    with (project.path / "data" / "external" / "penguins.csv").open("a") as source:
        source.write("Adelie,Atlantis,39.1,18.7,181.0,3750.0,male,2007\n")
    result = project.run("./tools/uv", "run", "--no-sync", "dvc", "repro", check=False)
    assert result.returncode != 0
    error = next(
        body
        for language, body in blocks(project)
        if language == "text" and body.startswith("error:")
    )
    assert "column 'island' breaks rule isin" in error
    assert "column 'island' breaks rule isin" in result.stderr + result.stdout
    assert "'Atlantis'" in result.stderr + result.stdout
    assert model.read_bytes() == model_before, "a stage whose input failed must write nothing"
