"""The command line: the single entry point every stage plugs into."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import {{ cookiecutter.package_name }} as package
from {{ cookiecutter.package_name }}.cli import COMMANDS, main
from {{ cookiecutter.package_name }}.config import ENVIRONMENT_VARIABLE

from tests.conftest import PROJECT_ROOT


def test_every_subcommand_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    """Each subcommand answers --help with its own description."""
    names = [command.name for command in COMMANDS]
    assert {"ingest", "validate", "train", "evaluate", "show-config"} <= set(names)
    assert {"pipeline", "draft-contract", "golden-update"} <= set(names)
    for command in COMMANDS:
        with pytest.raises(SystemExit) as exit_info:
            main([command.name, "--help"])
        assert exit_info.value.code == 0
        shown = capsys.readouterr().out
        assert f"{package.__name__} {command.name}" in shown
        assert command.description.split()[0] in shown


def test_the_stages_are_the_rows_that_name_a_stage_module() -> None:
    """dvc.yaml's stages, in its order, are the commands with a stage (tools/bench.py)."""
    stages = [command.name for command in COMMANDS if command.stage is not None]
    assert stages == ["ingest", "validate", "train", "evaluate"]
    dvc_yaml = (PROJECT_ROOT / "dvc.yaml").read_text(encoding="utf-8")
    assert all(f"{package.__name__} {name}" in dvc_yaml for name in stages)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version."""
    with pytest.raises(SystemExit):
        main(["--version"])
    assert package.__version__ in capsys.readouterr().out


def test_show_config_prints_the_checked_params(capsys: pytest.CaptureFixture[str]) -> None:
    """show-config reads params.yaml and prints it, with the environment, as JSON."""
    assert main(["--params", str(PROJECT_ROOT / "params.yaml"), "show-config"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["environment"] == "dev"
    assert shown["params"]["seed"] == 42


def test_bad_params_give_one_line_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong type in params.yaml ends with exit 2 and a message naming file and key."""
    params = tmp_path / "params.yaml"
    params.write_text("train:\n  linear:\n    C: high\n", encoding="utf-8")
    assert main(["--params", str(params), "show-config"]) == 2
    error = capsys.readouterr().err.strip()
    assert error == (f"error: {params}.train.linear.C: expected float, found str 'high'")


def test_unknown_environment_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An environment outside dev/test/uat/live is refused, naming the variable."""
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "prod")
    assert main(["--params", str(PROJECT_ROOT / "params.yaml"), "show-config"]) == 2
    assert ENVIRONMENT_VARIABLE in capsys.readouterr().err


def test_console_script_is_installed() -> None:
    """The installed command answers --help (the entry point in pyproject.toml works)."""
    result = subprocess.run(
        [sys.executable, "-m", package.__name__, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "show-config" in result.stdout
