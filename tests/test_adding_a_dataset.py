"""Layer 3: the generated runbook for adding a dataset works, followed to the letter.

The test reads the fenced blocks of the generated ``docs/adding-a-dataset.md`` in
order and does what each says: ``bash`` blocks are run line by line, the first
``yaml`` block is the reviewed contract, the second the change to ``params.yaml``,
``python`` blocks are entries for the tables of the behavioural tests, and ``text``
blocks are output the commands must print. The runbook walks two tasks on the Palmer
penguins (from the ``palmerpenguins`` package, no network to a data host), a dataset
the template does not ship: the species (multiclass) in its main walk, and the body
mass (regression) in "The same for another task", which shares only step 1. Each walk
runs in a freshly generated project and ends with ``make check`` passing.
"""

from __future__ import annotations

import ast
import csv
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from tests.conftest import BakedProject, Baker

pytestmark = pytest.mark.slow

RUNBOOK = "docs/adding-a-dataset.md"
BEHAVIOUR = "tests/behaviour/test_model_behaviour.py"
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
SECTION = re.compile(r"^## (.+)$", re.MULTILINE)
ANOTHER_TASK = "The same for another task"
Block = tuple[str, str]


def blocks(project: BakedProject) -> list[Block]:
    return FENCE.findall(project.read(RUNBOOK))


def sections(project: BakedProject) -> list[tuple[str, list[Block]]]:
    """Each ``## `` section of the runbook: its heading and its fenced blocks, in order."""
    parts = SECTION.split(project.read(RUNBOOK))
    return [
        (heading.strip(), FENCE.findall(body))
        for heading, body in zip(parts[1::2], parts[2::2], strict=True)
    ]


def walk(project: BakedProject, task: str) -> list[Block]:
    """The blocks a reader follows for ``task``: the main walk is every section but the
    other task's; the other task is step 1 (the data) and its own section."""
    found = sections(project)
    other = [heading for heading, _ in found if heading.endswith(ANOTHER_TASK)]
    assert len(other) == 1, f"the runbook should have one section {ANOTHER_TASK!r}"
    if task == "multiclass":
        return [block for heading, body in found if heading not in other for block in body]
    first = found[0][0]
    assert first.startswith("1."), f"the runbook's first section is {first!r}, not step 1"
    return [block for heading, body in found if heading in (first, *other) for block in body]


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


TABLE = re.compile(r"^(?P<name>[A-Z_]+): [^=]+= \{$")


def add_table_entries(project: BakedProject, block: str) -> None:
    """Add the entries a ``python`` block shows to the end of each table it names.

    The block writes each table as ``NAME: type = {``, a line ``...`` standing for the
    entries already there, the new entries, and ``}``. A table the file writes on one
    line is rewritten one entry a line, as ruff formats it once it holds more.
    """
    lines = block.splitlines()
    text = project.read(BEHAVIOUR)
    tables = 0
    for index, line in enumerate(lines):
        match = TABLE.match(line)
        if match is None:
            continue
        tables += 1
        close = lines.index("}", index)
        body = lines[index + 1 : close]
        assert [line.strip()[:3] for line in body[:1]] == ["..."], f"{match['name']}: no '...'"
        added = "".join(f"{entry}\n" for entry in body[1:])
        name = match["name"]
        one_line = re.search(rf"^{name}: (?P<type>[^=]+)= (?P<items>\{{.*\}})\n", text, re.M)
        if one_line is not None:
            items = "".join(
                f"    {json.dumps(key)}: {value!r},\n"
                for key, value in ast.literal_eval(one_line["items"]).items()
            )
            table = f"{name}: {one_line['type']}= {{\n{items}{added}}}\n"
            text = text[: one_line.start()] + table + text[one_line.end() :]
            continue
        start = re.search(rf"^{name}: [^=]+= \{{\n", text, re.M)
        assert start is not None, f"{BEHAVIOUR} has no table {name}"
        end = text.index("\n}\n", start.end()) + 1
        text = text[:end] + added + text[end:]
    assert tables, f"a python block of the runbook names no table:\n{block}"
    (project.path / BEHAVIOUR).write_text(text, encoding="utf-8")


def task_of(target: dict[str, Any]) -> str:
    """The task a contract's ``target:`` sets, by its keys."""
    if "classes" in target:
        return "multiclass"
    return "binary" if "positive" in target else "regression"


@dataclass(frozen=True)
class Task:
    target: str
    metrics: set[str]
    predict_columns: list[str]


SPECIES = ["Adelie", "Chinstrap", "Gentoo"]
REGRESSION_METRICS = {"rmse", "mae", "r2", "mape"}  # mape: the target's min is above 0
PRIVACY = {"privacy.membership_auc"}  # every task's: evaluate's membership-inference audit
TASKS = {
    "multiclass": Task(
        target="species",
        metrics={"accuracy", "balanced_accuracy", "macro_f1", "log_loss"}
        | {f"recall_{species}" for species in SPECIES}
        | PRIVACY,
        predict_columns=["prediction", *(f"probability_{species}" for species in SPECIES)],
    ),
    "regression": Task(
        target="body_mass_g",
        metrics=REGRESSION_METRICS
        | {f"{metric}[species={species}]" for metric in REGRESSION_METRICS for species in SPECIES}
        | PRIVACY,
        predict_columns=["prediction"],
    ),
}


def follow(project: BakedProject, task: str) -> None:
    """Do what the runbook's walk for ``task`` says, block by block."""
    yaml_blocks = 0
    outputs = ""
    expected: list[str] = []
    for language, body in walk(project, task):
        if language == "bash":
            for command in commands(body):
                outputs += project.run("bash", "-c", command).stdout
        elif language == "yaml" and yaml_blocks == 0:
            reviewed = yaml.safe_load(body)
            contract = project.path / "contracts" / f"{reviewed['name']}.yaml"
            assert contract.is_file(), f"the runbook reviews {contract.name}, never drafted"
            drafted = yaml.safe_load(contract.read_text(encoding="utf-8"))
            assert task_of(drafted["target"]) == task_of(reviewed["target"]) == task, (
                f"drafted {drafted['target']}, reviewed {reviewed['target']}; expected {task}"
            )
            contract.write_text(body, encoding="utf-8")
            yaml_blocks += 1
        elif language == "yaml":
            set_params(project, yaml.safe_load(body))
            assert yaml.safe_load(project.read("params.yaml"))["data"]["target"] == (
                TASKS[task].target
            )
            yaml_blocks += 1
        elif language == "python":
            add_table_entries(project, body)
        elif language == "text" and not body.startswith("error:"):
            expected.append(body.strip())
    assert yaml_blocks == 2, "each walk should show the contract and the params change"
    for line in expected:
        assert line in outputs, f"the runbook promises output it does not print:\n{line}"


@pytest.mark.parametrize(
    "task",
    [
        # Two workers under `make test`: one walk each, beside the ready projects.
        pytest.param("multiclass", marks=pytest.mark.xdist_group("gitlab-nocloud-proprietary")),
        pytest.param("regression", marks=pytest.mark.xdist_group("default")),
    ],
)
def test_runbook_trains_on_a_dataset_the_template_does_not_ship(baker: Baker, task: str) -> None:
    """Every step of the task's walk runs, ``make check`` among them, in a new project."""
    project = baker.bake(ci_provider="gitlab", cloud_provider="none")
    project.run("make", "setup")
    follow(project, task)

    metrics = json.loads(project.read("reports/metrics.json"))
    assert set(metrics) == TASKS[task].metrics
    with (project.path / "data" / "predictions.csv").open(newline="") as predictions:
        assert next(csv.reader(predictions)) == TASKS[task].predict_columns
    assert "penguins" in project.run("git", "log", "-1", "--format=%s").stdout
    uncommitted = project.run("git", "status", "--porcelain", "tests/", "contracts/").stdout
    assert not uncommitted, f"the runbook's commit left changes behind:\n{uncommitted}"
    behaviour = project.run(
        "./tools/uv",
        "run",
        "--no-sync",
        "pytest",
        "tests/behaviour",
        "-q",
        "-rs",
        "-p",
        "no:cacheprovider",
        "--no-cov",
    ).stdout
    assert "no expectations written" not in behaviour, (
        f"the runbook's table entries leave behavioural tests skipped:\n{behaviour}"
    )
    if task != "multiclass":
        return

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
