"""Layer 3: secrets and data stay out of the generated project's git history.

Through the real git hooks of a set-up project (`make setup`): a secret is refused in
any text file, DVC pointers included, while the content hashes of real DVC pointers,
``dvc.lock`` and ``uv.lock`` raise no false alarm; and a table is refused whatever its
file is called. Keys and key headers are assembled at run time, so this file holds none.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import BakedProject, Baker

pytestmark = [pytest.mark.slow]

# Fake credentials of the right shape (not AWS's documented examples, which scanners allowlist).
ACCESS_KEY = "AKIA" + "Q3NZ7YHX2KWTB5RM"
SECRET_KEY = "x8Jq2LrT5vNw" + "9PzK4mYc7HbGd3FsAe6Ut1WoZr4Q"
assert len(SECRET_KEY) == 40
PRIVATE_KEY = (
    "-----BEGIN RSA " + "PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2Vm1nKOaiNLVTaE5qRjHYjF9Iz2x\n"
    "-----END RSA " + "PRIVATE KEY-----\n"
)
SECRETS_HOOK = "secrets (detect-secrets, against .secrets.baseline)"
DATA_HOOK = "data files belong in DVC, not git"


@pytest.fixture(scope="module")
def project(module_baker: Baker) -> BakedProject:
    project = module_baker.bake()
    project.run("make", "setup")
    return project


def hook_status(output: str, hook: str) -> str:
    """``Passed``, ``Failed`` or ``Skipped`` for one hook in pre-commit's output."""
    match = re.search(rf"^{re.escape(hook)}\.+(\w+)", output, re.MULTILINE)
    assert match, f"hook {hook!r} did not run:\n{output}"
    return match.group(1)


def commit(project: BakedProject, *paths: str) -> tuple[bool, str]:
    """Stage ``paths`` and commit them; on refusal, unstage them again."""
    project.run("git", "add", "--force", *paths)
    result = project.run("git", "commit", "-m", f"add {' '.join(paths)}", check=False)
    if result.returncode != 0:
        project.run("git", "rm", "--cached", "--quiet", "-r", *paths)
    return result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        (
            "credentials.csv.dvc",
            "outs:\n- md5: 5f48e26b935f9e5eb4eef93ded992f6a\n  size: 2565\n  path: credentials.csv\n"
            f"# aws_access_key_id = {ACCESS_KEY}\n# aws_secret_access_key = {SECRET_KEY}\n",
            "AWS Access Key",
        ),
        ("deploy.dvc", PRIVATE_KEY, "Private Key"),
        ("pipelines/dvc.lock", f"schema: '2.0'\n# {ACCESS_KEY}\n", "AWS Access Key"),
    ],
    ids=["aws-key-pair-in-a-dvc-pointer", "private-key-in-a-dvc-file", "aws-key-in-a-dvc-lock"],
)
def test_a_secret_in_a_dvc_or_lock_file_is_refused(
    project: BakedProject, name: str, text: str, kind: str
) -> None:
    path = project.path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    committed, output = commit(project, name)
    path.unlink()
    assert not committed, f"{name} with a secret was committed:\n{output}"
    assert hook_status(output, SECRETS_HOOK) == "Failed", output
    assert f"Secret Type: {kind}" in output
    assert f"Location:    {name}:" in output


def test_real_dvc_pointers_and_lock_files_pass(project: BakedProject) -> None:
    """The hashes in a `dvc add` pointer, dvc.lock and uv.lock are not mistaken for secrets."""
    source = project.path / "data" / "external" / "rows.csv"
    source.write_text("a,b\n" + "".join(f"{i},{i * 7 % 13}\n" for i in range(200)))
    project.run("./tools/uv", "run", "--no-sync", "dvc", "add", "data/external/rows.csv")
    project.run("make", "pipeline")
    lock = project.read("dvc.lock")
    assert re.search(r"md5: [0-9a-f]{32}\.dir", lock), "expected a folder hash in dvc.lock"
    assert 'hash = "sha256:' in project.read("uv.lock")
    paths = ["data/external/rows.csv.dvc", "dvc.lock", "uv.lock", "reports/metrics.json"]
    committed, output = commit(project, *paths)
    assert committed, output
    assert hook_status(output, SECRETS_HOOK) == "Passed", output


def test_a_table_is_refused_whatever_its_name(project: BakedProject) -> None:
    """363 KB of CSV named `.dat` is refused by its content, with the reason."""
    path = project.path / "exports" / "customers.dat"
    path.parent.mkdir()
    rows = "".join(f"{i},{i * 0.37:.2f},customer-{i}\n" for i in range(15_000))
    path.write_text("id,score,name\n" + rows, encoding="utf-8")
    assert path.stat().st_size > 300 * 1024
    committed, output = commit(project, "exports/customers.dat")
    assert not committed, f"a CSV named .dat was committed:\n{output}"
    assert hook_status(output, DATA_HOOK) == "Failed", output
    assert "exports/customers.dat: data or model file committed to git" in output
    assert "its content is a table: " in output
    assert "comma-separated fields" in output
    assert "dvc add exports/customers.dat" in output
