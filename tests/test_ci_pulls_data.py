"""Layer 2: the generated CI pulls DVC-tracked inputs before `make check`, and only then.

The runbook (docs/adding-a-dataset.md) adds a CSV with `dvc add`; the golden tests
retrain from it, so CI must `dvc pull` it from a remote CI can reach (the cloud remote
`live`; the default remote `local` is a folder on a developer's machine). The CI step's
own shell script is run here, in a baked project, with a stand-in `uv` that records
what it was asked to do: without a tracked ``*.dvc`` file nothing is installed or
pulled; with one, the cloud extra is installed and exactly the pointers are pulled.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import BakedProject, Baker, choices

# What each cloud's remote reads its credentials from (the runbook names them all);
# every cloud choice but "none" needs a row (test_every_cloud_has_its_credentials).
CREDENTIALS = {
    "aws": ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
    "gcp": ["GOOGLE_APPLICATION_CREDENTIALS"],
    "azure": ["AZURE_STORAGE_CONNECTION_STRING"],
}
# Where the GitHub workflow's secrets differ from those: GCP's key arrives as JSON text
# and the step writes it to the file GOOGLE_APPLICATION_CREDENTIALS names.
GITHUB_SECRETS = {"gcp": ["GCP_SERVICE_ACCOUNT_KEY"]}
CLOUDS = choices("cloud_provider")
# The CIs that run `make check` (with "none" there is no CI step to run).
CIS = [ci for ci in choices("ci_provider") if ci != "none"]
# Every cloud once: GCP (whose key the GitHub step writes to a file) on GitHub, the
# others on each CI in turn from the last, so every cloud and every CI is baked
# without the full product of bakes.
_OTHERS = [cloud for cloud in CLOUDS if cloud != "gcp"]
CASES = [
    (cloud, "github" if cloud == "gcp" else CIS[(_OTHERS.index(cloud) - 1) % len(CIS)])
    for cloud in CLOUDS
]
CLOUD_CASES = [(cloud, ci) for cloud, ci in CASES if cloud != "none"]
FAKE_UV = '#!/bin/sh\necho "uv $* | credentials=${GOOGLE_APPLICATION_CREDENTIALS:-}" >> "$UV_LOG"\n'


def pull_step(project: BakedProject) -> tuple[str, dict[str, str]]:
    """The CI's dvc-pull script and the environment CI gives it."""
    if project.answers["ci_provider"] == "github":
        workflow = yaml.safe_load(project.read(".github/workflows/ci.yml"))
        steps = workflow["jobs"]["check"]["steps"]
        names = [step.get("name", step.get("uses")) for step in steps]
        step = next(step for step in steps if "dvc pull" in step.get("run", ""))
        assert names.index(step["name"]) < names.index("make check"), names
        return step["run"], step.get("env", {})
    job = yaml.safe_load(project.read(".gitlab-ci.yml"))["check"]
    script = next(line for line in job["before_script"] if "dvc pull" in line)
    assert "make check" in job["script"]
    return script, {}


def run_step(project: BakedProject, tmp_path: Path, **env: str) -> tuple[int, str, list[str]]:
    script, _ = pull_step(project)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "uv").write_text(FAKE_UV)
    (bin_dir / "uv").chmod(0o755)
    log = tmp_path / "uv.log"
    log.unlink(missing_ok=True)
    shell = "bash" if project.answers["ci_provider"] == "github" else "sh"
    result = subprocess.run(
        [shell, "-e", "-c", script],
        cwd=project.path,
        env={
            **project.env,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "UV_LOG": str(log),
            "RUNNER_TEMP": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    calls = log.read_text().splitlines() if log.exists() else []
    return result.returncode, result.stdout + result.stderr, calls


@pytest.mark.parametrize(("cloud", "ci"), CASES, ids=[f"{c}-{ci}" for c, ci in CASES])
def test_ci_pulls_tracked_inputs_only_when_there_are_some(
    baker: Baker, tmp_path: Path, cloud: str, ci: str
) -> None:
    project = baker.bake(cloud_provider=cloud, ci_provider=ci)
    code, output, calls = run_step(project, tmp_path)
    assert code == 0, output
    assert calls == [], "nothing to pull, so nothing to install"
    assert "git tracks no *.dvc file; nothing to pull" in output

    pointer = "data/external/penguins.csv.dvc"
    (project.path / pointer).write_text("outs:\n- md5: 0123456789abcdef0123456789abcdef\n")
    project.run("git", "add", pointer)
    code, output, calls = run_step(project, tmp_path, GCP_SERVICE_ACCOUNT_KEY='{"type": "x"}')
    if cloud == "none":
        assert code == 1, output
        assert f"git tracks DVC inputs ({pointer}), but the project has no cloud remote" in output
        assert calls == []
        return
    assert code == 0, output
    assert [call.split(" | ")[0] for call in calls] == [
        "uv sync --locked --extra cloud",
        f"uv run --no-sync dvc pull --remote live {pointer}",
    ]
    extras = tomllib.loads(project.read("pyproject.toml"))["project"]["optional-dependencies"]
    assert "cloud" in extras
    assert 'remote "live"' in project.read(".dvc/config")
    if cloud == "gcp" and ci == "github":
        key_file = Path(calls[-1].split("credentials=")[1])
        assert key_file.read_text() == '{"type": "x"}'


def test_the_cases_cover_every_cloud_and_ci_and_credentials_every_cloud() -> None:
    assert {cloud for cloud, _ in CASES} == set(CLOUDS)
    assert {ci for _, ci in CASES} == set(CIS)
    assert set(CREDENTIALS) == set(CLOUDS) - {"none"}, "a cloud choice without its credentials"
    assert set(GITHUB_SECRETS) <= set(CREDENTIALS)


@pytest.mark.parametrize(("cloud", "ci"), CLOUD_CASES, ids=[f"{c}-{ci}" for c, ci in CLOUD_CASES])
def test_ci_and_runbook_name_the_credentials_of_the_cloud(
    baker: Baker, cloud: str, ci: str
) -> None:
    project = baker.bake(cloud_provider=cloud, ci_provider=ci)
    runbook = project.read("docs/adding-a-dataset.md")
    for variable in CREDENTIALS[cloud]:
        assert variable in runbook, f"the runbook does not name {variable} for {cloud}"
    if ci == "github":
        _, env = pull_step(project)
        for variable in GITHUB_SECRETS.get(cloud, CREDENTIALS[cloud]):
            assert env.get(variable) == f"${{{{ secrets.{variable} }}}}", env
