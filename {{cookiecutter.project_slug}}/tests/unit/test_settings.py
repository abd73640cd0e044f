"""Settings per environment (settings/<env>.yaml): the active one, and no secrets in them."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import (
    ENVIRONMENT_VARIABLE,
    ENVIRONMENTS,
    REGISTRY_VARIABLE,
    load_settings,
    registry_url,
)
from {{ cookiecutter.package_name }}.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_environment_has_a_valid_settings_file(environment: str) -> None:
    assert (ROOT / "settings" / f"{environment}.yaml").is_file()
    load_settings(environment, ROOT / "settings")  # type: ignore[arg-type]


def test_the_active_file_is_the_one_the_variable_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "settings").mkdir()
    for environment in ENVIRONMENTS:
        (tmp_path / "settings" / f"{environment}.yaml").write_text(
            f"registry: s3://bucket/{environment}\n", encoding="utf-8"
        )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(REGISTRY_VARIABLE, raising=False)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "uat")
    assert load_settings().registry == "s3://bucket/uat"
    assert registry_url() == "s3://bucket/uat"
    # The variable and the option still win over the file.
    monkeypatch.setenv(REGISTRY_VARIABLE, "/elsewhere")
    assert registry_url() == "/elsewhere"
    assert registry_url("given") == "given"


@pytest.mark.parametrize(
    "text",
    [
        "password: hunter2\n",
        "api_key: abc\n",
        "AWS_SECRET_ACCESS_KEY: abc\n",
        "registry: s3://bucket\ndatabase:\n  token: abc\n",
        "Connection-String: abc\n",
    ],
)
def test_a_secret_looking_key_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "live.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"live\.yaml.*expected no secret in a settings file"):
        load_settings("live", tmp_path)


def test_a_url_with_a_password_is_refused(tmp_path: Path) -> None:
    url = "https://user:pa55@host/registry"  # pragma: allowlist secret (the attack tested)
    (tmp_path / "live.yaml").write_text(f"registry: {url}\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"live\.yaml\.registry: expected a URL without a password"
    ):
        load_settings("live", tmp_path)


def test_an_unknown_key_and_a_bad_environment_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dev.yaml").write_text("registyr: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"dev\.yaml: unknown key\(s\) \['registyr'\]"):
        load_settings("dev", tmp_path)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "prod")
    with pytest.raises(ConfigError, match=f"{ENVIRONMENT_VARIABLE}: expected one of"):
        load_settings(folder=tmp_path)


def test_no_settings_folder_means_the_defaults(tmp_path: Path) -> None:
    assert load_settings("dev", tmp_path / "absent").registry is None
