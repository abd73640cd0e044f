"""A fresh machine: only Python 3.11+, git and make, whatever PATH holds.

The template is copied as CI checks it out (tracked and new files, nothing ignored:
no .venv, no build/) and run with an empty environment and home: PATH has the
folders of python3, git, make and the core utilities, and no uv. The caches of uv
and pip are the real ones, as a cache is shared by design and keeps this fast; the
machine's network settings (CA bundle, proxy) pass through, as they are the machine's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_DIR, _clip

# What a machine needs to reach the package index, not tools: passed through as is.
NETWORK_VARIABLES = (
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "PIP_CERT",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)


def bare_path() -> str:
    """The folders of python3 (the real interpreter, not this venv), git, make and coreutils."""
    python_dir = Path(sys.base_prefix) / "bin"
    folders = [str(python_dir)]
    for tool in ("git", "make", "env", "sh"):
        found = shutil.which(tool)
        assert found, f"expected {tool} on PATH to build a bare PATH, found none"
        folders.append(str(Path(found).parent))
    path = os.pathsep.join(dict.fromkeys(folders))
    assert (python_dir / "python3").exists(), f"expected python3 in {python_dir}"
    uv = shutil.which("uv", path=path)
    assert uv is None, f"expected no uv on the bare PATH {path}, found {uv}: this test needs none"
    return path


def bare_env(home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    env = {name: os.environ[name] for name in NETWORK_VARIABLES if name in os.environ}
    env.update(
        PATH=bare_path(),
        HOME=str(home),
        LANG="C.UTF-8",
        UV_CACHE_DIR=os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv"),
        PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip"),
        # Only the Pythons on this machine: a missing one is an error, never a download.
        UV_PYTHON_DOWNLOADS="never",
        GIT_AUTHOR_NAME="Fresh Machine",
        GIT_AUTHOR_EMAIL="fresh@example.com",
        GIT_COMMITTER_NAME="Fresh Machine",
        GIT_COMMITTER_EMAIL="fresh@example.com",
    )
    return env


def checkout(destination: Path) -> Path:
    """The template's files as a clone of the working tree would have them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=TEMPLATE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for relative in filter(None, listed.split("\0")):
        source = TEMPLATE_DIR / relative
        if source.is_file():  # a tracked file deleted in the working tree is gone
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / relative)
    return destination


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 1800):
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, (
        f"{' '.join(command)} exited {result.returncode} in {cwd}\n"
        f"--- stdout ---\n{_clip(result.stdout)}\n--- stderr ---\n{_clip(result.stderr)}"
    )
    return result


@pytest.mark.slow
@pytest.mark.xdist_group("fresh-machine")
def test_make_demo_then_commit_through_the_hooks(tmp_path: Path) -> None:
    """`make demo` on a bare machine sets up, checks and runs the demo project, says what
    to try next, and a commit in it goes through every git hook."""
    template = checkout(tmp_path / "template")
    env = bare_env(tmp_path / "home")
    demo = tmp_path / "demo"

    result = run(["make", "demo", f"DEMO_DIR={demo}"], template, env)
    project = demo / "churn-model"
    closing = result.stdout.rstrip().splitlines()[-6:]
    assert closing[0].startswith(f"The demo project is in {project}"), "\n".join(closing)
    for hint in (f"cd {project}", "make help", "make test", "make pipeline"):
        assert any(line.strip().startswith(hint) for line in closing), (
            f"expected the demo to end with a hint {hint!r}, found:\n" + "\n".join(closing)
        )
    assert (project / ".tools" / "uv" / "bin" / "uv").is_file(), "expected the project's own uv"

    module = next((project / "src").iterdir()) / "__init__.py"
    module.write_text(module.read_text() + "# A first change, committed through the hooks.\n")
    commit = run(["git", "commit", "--all", "--message", "First change"], project, env)
    report = commit.stdout + commit.stderr
    for hook in ("ruff check", "ruff format", "mypy", "secrets", "end of file"):
        line = next((line for line in report.splitlines() if line.startswith(hook)), "")
        assert line.endswith("Passed"), f"expected hook {hook!r} to run and pass:\n{report}"
    last = run(["git", "log", "-1", "--format=%s"], project, env).stdout.strip()
    assert last == "First change", f"expected the commit 'First change', found {last!r}"


def test_missing_python_is_one_line(tmp_path: Path) -> None:
    """A project for a Python this machine lacks (and may not download) says so in one line."""
    template = checkout(tmp_path / "template")
    env = bare_env(tmp_path / "home")
    missing = "3.13"
    found = subprocess.run(
        ["sh", "-c", f"command -v python{missing}"], env=env, capture_output=True, check=False
    )
    if found.returncode == 0:
        pytest.skip(f"Python {missing} is on the bare PATH, so nothing is missing")
    output = tmp_path / "out"
    run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "--output-dir",
            str(output),
            str(template),
            f"python_version={missing}",
        ],
        tmp_path,
        {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"},
    )
    result = subprocess.run(
        ["make", "--no-print-directory", "setup"],
        cwd=output / "churn-model",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 0, f"expected make setup to fail:\n{result.stdout}"
    ours = [line for line in result.stderr.splitlines() if not line.startswith("make: ***")]
    assert ours == [
        f"error: Python {missing} is not installed and uv could not download it: "
        "install it, or regenerate with python_version=3.11"
    ], result.stderr
