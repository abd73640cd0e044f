"""``registry publish`` and the other actions, from the command line, on a real pipeline output.

A small project (the mini data set) is validated, trained and evaluated once per
module; each test works on its own copy, with a ``dvc.lock`` written as DVC writes it
(the md5 of each stage's inputs and outputs), so publishing needs no ``dvc repro``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.data import validate
from {{ cookiecutter.package_name }}.data.contract import load_contract, read_dataset
from {{ cookiecutter.package_name }}.models import evaluate, train
from {{ cookiecutter.package_name }}.monitoring.profile import profile
from {{ cookiecutter.package_name }}.registry import Registry, card
from {{ cookiecutter.package_name }}.registry.actions import git_state

from tests.unit.mini_dataset import write_project

PARAMS = """\
data:
  source: source.csv
  target: label
  contract: contracts/mini.yaml
  raw_path: data/raw/dataset.csv
  train_path: data/processed/train.csv
  test_path: data/processed/test.csv
train:
  model_path: models/model.joblib
"""
PYPROJECT = '[project]\nname = "mini"\ndescription = "Says yes or no for the mini rows."\n'
GOLDEN_ACCURACY = {"value": 0.8, "tolerance": 0.05, "direction": "higher"}
GOLDENS = {"accuracy": GOLDEN_ACCURACY}
FILES = {
    "card.md",
    "contract.yaml",
    "lean.json",
    "lean.npz",
    "metadata.json",
    "model.joblib",
    "reference.json",
}


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def write_lock(root: Path) -> None:
    """dvc.lock as ``dvc repro`` leaves it, for the entries publish reads."""

    def entry(path: str) -> dict[str, Any]:
        return {"path": path, "hash": "md5", "md5": md5(root / path)}

    stages = {
        "train": {
            "deps": [entry("contracts/mini.yaml"), entry("data/processed/train.csv")],
            "outs": [entry("models/model.joblib")],
        },
        "evaluate": {
            "deps": [entry("data/processed/test.csv"), entry("models/model.joblib")],
            "outs": [entry("reports/metrics.json")],
        },
    }
    (root / "dvc.lock").write_text(yaml.safe_dump({"schema": "2.0", "stages": stages}))


@pytest.fixture(scope="module")
def pipeline_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder after `make pipeline`: split, model, metrics and dvc.lock."""
    root = tmp_path_factory.mktemp("project")
    params = write_project(root)
    validate.run(params)
    train.run(params)
    evaluate.run(params)
    (root / "params.yaml").write_text(PARAMS, encoding="utf-8")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "tests" / "golden").mkdir(parents=True)
    (root / "tests" / "golden" / "metrics.json").write_text(json.dumps(GOLDENS))
    write_lock(root)
    return root


@pytest.fixture
def project(pipeline_output: Path, tmp_path: Path) -> Path:
    """A copy of the pipeline's output that the test may change."""
    return Path(shutil.copytree(pipeline_output, tmp_path / "project"))


def registry_command(project: Path, *arguments: str) -> int:
    url = str(project / "registry")
    action, *rest = arguments
    return main(
        ["--params", str(project / "params.yaml"), "registry", action, *rest, "--registry", url]
    )


def publish(project: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert registry_command(project, "publish") == 0
    return capsys.readouterr().out.splitlines()[-1]


def test_publish_prints_the_new_id_alone_on_its_last_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert registry_command(project, "publish") == 0
    lines = capsys.readouterr().out.splitlines()
    registry = Registry(str(project / "registry"))
    assert registry.versions() == [lines[-1]]
    assert lines[0].startswith("models/model.joblib: the train stage's output in dvc.lock")
    assert len(lines) > 1


def test_a_version_keeps_the_model_and_everything_about_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = publish(project, capsys)
    registry = Registry(str(project / "registry"))
    assert set(registry.files(version)) == FILES
    assert registry.read(version, "model.joblib") == (project / "models/model.joblib").read_bytes()
    contract_text = (project / "contracts/mini.yaml").read_bytes()
    assert registry.read(version, "contract.yaml") == contract_text
    metadata = registry.metadata(version)
    assert metadata["metrics"] == json.loads((project / "reports/metrics.json").read_text())
    assert metadata["data"] == {
        "train_path": "data/processed/train.csv",
        "train_md5": md5(project / "data/processed/train.csv"),
        "train_rows": 45,
        "test_rows": 15,
    }
    model_bytes = (project / "models/model.joblib").read_bytes()
    assert metadata["model"]["sha256"] == hashlib.sha256(model_bytes).hexdigest()
    assert metadata["git"] == {"commit": "unknown", "dirty": None}  # not a git repository
    assert metadata["target"]["task"] == "binary"
    assert metadata["target"]["values"] == ["no", "yes"]
    assert metadata["params"]["train"]["model_path"] == "models/model.joblib"
    assert metadata["goldens"] == GOLDENS
    schema = metadata["input_schema"]
    assert [column["name"] for column in schema] == ["age", "height", "colour", "member"]
    colour = {"name": "colour", "dtype": "category", "nullable": False, "min": None, "max": None}
    dates = {"format": None, "earliest": None, "latest": None}
    assert schema[2] == {**colour, **dates, "categories": ["red", "green", "blue"]}
    assert schema[1]["nullable"] is True
    assert metadata["description"] == "Says yes or no for the mini rows."
    assert metadata["created"].endswith("Z")
    contract = load_contract(project / "contracts/mini.yaml", "label")
    rows = read_dataset(project / "data/processed/train.csv", contract)
    pipeline = evaluate.load_model(project / "models/model.joblib")
    predicted, _ = evaluate.decide(pipeline, rows[contract.feature_columns], contract, 0.5)
    reference = json.loads(registry.read(version, "reference.json"))
    assert reference == json.loads(json.dumps(profile(rows, contract, predicted)))


def test_the_card_says_what_the_model_is_and_how_it_measures(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = publish(project, capsys)
    text = Registry(str(project / "registry")).read(version, "card.md").decode()
    assert text.startswith("# Model card: mini\n")
    assert "Says yes or no for the mini rows." in text
    assert f"DVC md5 {md5(project / 'data/processed/train.csv')}, 45 rows; 15 test rows" in text
    accuracy = json.loads((project / "reports/metrics.json").read_text())["accuracy"]
    assert f"| accuracy | {accuracy:.6g} | higher | 0.8 | 0.05 |" in text
    assert "| brier |" in text
    assert "no golden" in text
    assert "No privacy audit exists" in text
    assert "Trained on 45 rows" in text
    for section in ("What it is for", "Data", "Metrics", "Parameters", "Drift reference"):
        assert f"\n## {section}\n" in text
    assert "<" not in text  # plain Markdown, no HTML


def test_a_model_that_is_not_the_pipelines_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = project / "models/model.joblib"
    model.write_bytes(model.read_bytes() + b"\0")
    assert registry_command(project, "publish") == 2
    error = capsys.readouterr().err
    assert f"error: {model}: md5 {md5(model)}, but dvc.lock records" in error
    assert "run `make pipeline` before publishing" in error
    assert Registry(str(project / "registry")).versions() == []


def test_training_data_changed_since_the_model_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = project / "data/processed/train.csv"
    data.write_text(data.read_text() + data.read_text().splitlines()[-1] + "\n")
    assert registry_command(project, "publish") == 2
    assert "the data changed since the model was trained" in capsys.readouterr().err


def test_publish_without_dvc_lock_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "dvc.lock").unlink()
    assert registry_command(project, "publish") == 2
    error = capsys.readouterr().err
    assert f"error: {project / 'dvc.lock'}: not found" in error
    assert "make pipeline" in error


def test_promote_history_list_and_rollback_from_the_command_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = publish(project, capsys), publish(project, capsys)
    assert registry_command(project, "promote", first, "--env", "uat", "--who", "ada") == 0
    assert registry_command(project, "promote", second, "--env", "uat", "--who", "ada") == 0
    assert capsys.readouterr().out.splitlines() == [
        f"uat: (none) -> {first}",
        f"uat: {first} -> {second}",
    ]
    assert registry_command(project, "promote", second, "--env", "uat") == 0
    assert capsys.readouterr().out == f"uat already holds {second}: nothing to do\n"
    assert registry_command(project, "list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == [first, second]
    assert listed[0].endswith("aliases: -")
    assert listed[1].endswith("aliases: uat")
    assert registry_command(project, "rollback", "--env", "uat", "--who", "grace") == 0
    assert capsys.readouterr().out == f"uat: {second} -> {first} (rolled back)\n"
    assert registry_command(project, "history", "--env", "uat") == 0
    history = capsys.readouterr().out.splitlines()
    assert len(history) == 3
    assert history[2].endswith(f"rollback  {second} -> {first}  by grace")
    assert registry_command(project, "rollback", "--env", "uat") == 2
    assert "nothing to roll back to" in capsys.readouterr().err


def test_force_without_a_reason_and_an_unknown_version_are_one_line_errors(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = publish(project, capsys)
    assert registry_command(project, "promote", version, "--env", "live", "--force") == 2
    assert "--force needs --reason" in capsys.readouterr().err
    assert registry_command(project, "show", "v20000101T000000.000000Z-000000000000") == 2
    error = capsys.readouterr().err
    assert error.startswith("error: unknown version")
    assert version in error
    assert error.count("\n") == 1


def test_show_prints_the_card_then_each_files_checksum(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = publish(project, capsys)
    registry = Registry(str(project / "registry"))
    assert registry_command(project, "show", version) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(registry.read(version, "card.md").decode())
    for name, digest in registry.files(version).items():
        assert f"sha256 {digest}  {name}" in shown


def test_show_refuses_a_damaged_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = publish(project, capsys)
    stored = project / "registry" / "versions" / version / "reference.json"
    stored.write_bytes(stored.read_bytes().replace(b"0", b"1", 1))
    assert registry_command(project, "show", version) == 2
    error = capsys.readouterr().err
    assert f"version {version}: reference.json does not match its manifest" in error


def test_card_text_from_files_is_data(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A column name or description with table bars, newlines or HTML stays in its cell."""
    version = publish(project, capsys)
    registry = Registry(str(project / "registry"))
    metadata = registry.metadata(version)
    reference = json.loads(registry.read(version, "reference.json"))
    hostile = "a|b\nc <b>d</b>"
    reference["features"][hostile] = reference["features"].pop("age")
    metadata["features"] = [hostile]
    metadata["description"] = "line one\n## not a heading <script>"
    text = card.render(metadata, reference)
    assert "| a\\|b c \\<b\\>d\\</b\\> | number |" in text
    assert "line one ## not a heading \\<script\\>" in text
    assert "<" not in text.replace("\\<", "")
    for line in text.splitlines():
        if line.startswith("|"):
            assert line.replace("\\|", "").count("|") in (3, 5, 7)  # 2, 4 or 6 cells


def test_cell_keeps_one_line_and_escapes_markup() -> None:
    assert card.cell("a|b") == "a\\|b"
    assert card.cell("x\n\ny") == "x y"
    assert card.cell("[link](url) [ref][1] `code` *em* back\\slash") == (
        "[link\\](url) [ref\\][1] \\`code\\` \\*em\\* back\\\\slash"
    )
    assert card.cell("rmse[sex=1]") == "rmse[sex=1]"
    assert card.cell("snake_case") == "snake_case"
    assert card.cell("") == "-"


def test_git_state_names_the_commit_and_a_dirty_tree(tmp_path: Path) -> None:
    def git(*arguments: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *arguments],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    git("init", "-q")
    (tmp_path / "file.txt").write_text("one\n")
    git("add", "file.txt")
    git("commit", "-q", "-m", "one")
    assert git_state(tmp_path) == {"commit": git("rev-parse", "HEAD"), "dirty": False}
    (tmp_path / "file.txt").write_text("two\n")
    assert git_state(tmp_path)["dirty"] is True


def test_the_cards_reference_table_shows_each_kind(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = publish(project, capsys)
    registry = Registry(str(project / "registry"))
    reference = json.loads(registry.read(version, "reference.json"))
    reference["features"]["when"] = {
        "kind": "datetime",
        "missing_rate": 0.0,
        "min": 1704067200.0,
        "max": 1704153600.0,
    }
    reference["features"]["empty"] = {"kind": "number", "missing_rate": 1.0, "min": None}
    text = card.render(registry.metadata(version), reference)
    assert "| colour | category | 0 | 3 values |" in text
    assert "| when | datetime | 0 | 2024-01-01T00:00:00Z to 2024-01-02T00:00:00Z |" in text
    assert "| empty | number | 1 | no value |" in text
    age = reference["features"]["age"]
    assert f"| age | number | 0 | {age['min']:.6g} to {age['max']:.6g} |" in text


def test_the_parser_builds_without_the_stores_or_the_models_imports() -> None:
    """Every command builds the registry's parser: it must not pay for fsspec or pandas."""
    code = (
        "import sys; from {{ cookiecutter.package_name }}.cli import build_parser; build_parser(); "
        "print(sorted({'fsspec', 'pandas', 'sklearn'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_malformed_goldens_are_one_error_naming_the_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goldens = project / "tests" / "golden" / "metrics.json"
    for text in ("{not json", "[1, 2]"):
        goldens.write_text(text)
        assert registry_command(project, "publish") == 2
        error = capsys.readouterr().err
        assert error.startswith(f"error: {goldens}: expected the goldens of golden-update")
        assert error.count("\n") == 1
    assert Registry(str(project / "registry")).versions() == []
