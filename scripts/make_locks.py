"""Regenerate the generated projects' lock files, one per Python version and cloud option.

`make locks` runs this. The lock depends on ``requires-python`` and on the ``cloud``
extra, and names the project itself; so each combination is baked with the sentinel
slug the post-generation hook renames, without hooks (the stored lock may not exist
yet), and locked with uv. A stored lock is copied in first, so ``uv lock`` keeps every
pin it can; pass ``--upgrade`` (``make locks LOCK_ARGS=--upgrade``) to move them all.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
LOCK_DIR = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / ".locks"
# The project name the locks are made for; hooks/post_gen_project.py has the same constant.
LOCK_SENTINEL = "locked-project"


def lock_name(python_version: str, cloud_provider: str) -> str:
    return f"py{python_version}-{cloud_provider}.lock"


def combinations() -> list[tuple[str, str]]:
    questions = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
    return list(itertools.product(questions["python_version"], questions["cloud_provider"]))


def lock_one(root: Path, python_version: str, cloud_provider: str, uv_args: list[str]) -> Path:
    """Bake one combination under ``root``, lock it and return its uv.lock."""
    output = root / lock_name(python_version, cloud_provider)
    config = root / "cookiecutter-config.yaml"
    config.write_text(f"cookiecutters_dir: {root / 'cc'}\nreplay_dir: {root / 'replay'}\n")
    project = Path(
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            accept_hooks=False,
            output_dir=str(output),
            config_file=str(config),
            extra_context={
                "project_slug": LOCK_SENTINEL,
                "python_version": python_version,
                "cloud_provider": cloud_provider,
            },
        )
    )
    stored = LOCK_DIR / lock_name(python_version, cloud_provider)
    if stored.is_file():
        shutil.copyfile(stored, project / "uv.lock")
    subprocess.run(["uv", "lock", "--quiet", *uv_args], cwd=project, check=True)
    return project / "uv.lock"


def main(uv_args: list[str]) -> int:
    if shutil.which("uv") is None:
        print(
            "error: uv is not on PATH: run this through the template's `make locks`",
            file=sys.stderr,
        )
        return 1
    wanted = {lock_name(*combination) for combination in combinations()}
    LOCK_DIR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="locks-") as tmp:
        for python_version, cloud_provider in combinations():
            lock = lock_one(Path(tmp), python_version, cloud_provider, uv_args)
            shutil.copyfile(lock, LOCK_DIR / lock_name(python_version, cloud_provider))
            print(f"locked {lock_name(python_version, cloud_provider)}")
    for stale in sorted({path.name for path in LOCK_DIR.iterdir()} - wanted):
        (LOCK_DIR / stale).unlink()
        print(f"removed {stale}: no such option any more")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
