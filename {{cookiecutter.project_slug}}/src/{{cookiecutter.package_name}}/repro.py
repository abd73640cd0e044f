"""``{{ cookiecutter.package_name }} pipeline`` (what ``make pipeline`` runs): ``dvc repro`` that loses nothing.

DVC deletes a stage's outputs before it runs the stage, so a stage that fails or is
killed would leave the workspace without the last good split, model or metrics
until someone knows to run ``dvc checkout``. This command wraps ``dvc repro``:

1. ``params.yaml`` has already been checked (the CLI loads it first), so a bad knob
   stops everything before DVC deletes anything;
2. outputs DVC does not cache (``cache: false``: the metrics, committed to git) are
   copied aside, since ``dvc checkout`` cannot bring them back;
3. ``dvc repro`` runs; if it fails (or is interrupted), ``dvc checkout --force`` puts
   back every cached output dvc.lock records, and each uncached output that no longer
   matches dvc.lock is restored from its copy. One line then says which stage failed
   and that the last good outputs are back in place;
4. after a successful run it shows the metrics and says what to commit.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.io import atomic_path

DVC = (sys.executable, "-m", "dvc")
FAILED_STAGE = re.compile(r"failed to reproduce '([^']+)'")
RUNNING_STAGE = re.compile(r"Running stage '([^']+)'")
LOCK_FILE = "dvc.lock"


@dataclass(frozen=True)
class Output:
    """One output of a stage, as dvc.yaml declares it and dvc.lock records it."""

    stage: str
    path: Path  # relative to the project root
    cached: bool
    md5: str | None  # the hash in dvc.lock; None before the stage first succeeds


@dataclass(frozen=True)
class Outcome:
    """What ``dvc repro`` did: its exit code and the stage it was running last."""

    returncode: int
    stage: str | None
    interrupted: bool = False


def list_outputs(root: Path) -> list[Output]:
    """Every output of every stage, with the hash dvc.lock records for it."""
    from dvc.exceptions import DvcException
    from dvc.repo import Repo

    root = root.resolve()
    try:
        with Repo(str(root)) as repo:
            return [
                Output(
                    stage=str(stage.addressing),
                    path=Path(out.fs_path).resolve().relative_to(root),
                    cached=bool(out.use_cache),
                    md5=str(out.hash_info.value) if out.hash_info and out.hash_info.value else None,
                )
                for stage in repo.index.stages
                for out in stage.outs
            ]
    except DvcException as error:
        raise InputError(f"{root}: cannot read the DVC pipeline ({error})") from error


def md5(path: Path) -> str:
    """The hash DVC records for a file (md5 of its bytes)."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot(root: Path, outputs: Sequence[Output], folder: Path) -> dict[Path, Path]:
    """Copy the uncached outputs (``dvc checkout`` cannot restore them) into ``folder``."""
    saved: dict[Path, Path] = {}
    for number, output in enumerate(outputs):
        source = root / output.path
        copy = folder / str(number)
        if output.cached:
            continue
        if source.is_file():
            shutil.copy2(source, copy)
        elif source.is_dir():
            shutil.copytree(source, copy)
        else:
            continue
        saved[output.path] = copy
    return saved


def _same(current: Path, copy: Path) -> bool:
    if current.is_file() and copy.is_file():
        return md5(current) == md5(copy)
    return current.is_dir() and copy.is_dir()


def restore(root: Path, saved: dict[Path, Path]) -> list[str]:
    """Put the last good outputs back; return what could not be restored."""
    problems: list[str] = []
    checkout = subprocess.run(  # noqa: S603 - DVC of this environment, fixed arguments
        [*DVC, "checkout", "--force", "--quiet"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if checkout.returncode != 0:
        reason = " ".join(checkout.stderr.split())[:300] or f"exit code {checkout.returncode}"
        problems.append(f"dvc checkout failed ({reason}); run `dvc pull`, then `dvc checkout`")
    recorded = {output.path: output.md5 for output in list_outputs(root)}
    for relative, copy in saved.items():
        current = root / relative
        if current.is_file() and recorded.get(relative) == md5(current):
            continue  # its stage succeeded in this run: dvc.lock records the new file
        if current.exists() and _same(current, copy):
            continue  # untouched
        try:
            if copy.is_dir():
                shutil.rmtree(current, ignore_errors=True)
                shutil.copytree(copy, current)
            else:
                with atomic_path(current) as temporary:
                    shutil.copy2(copy, temporary)
        except (OSError, InputError) as error:
            problems.append(f"{relative}: could not be restored ({error})")
    return problems


def _pump(stream: IO[str], sink: IO[str], seen: list[str]) -> None:
    for line in stream:
        sink.write(line)
        sink.flush()
        seen.append(line)


def run_repro(root: Path, targets: Sequence[str]) -> Outcome:
    """``dvc repro``, its output shown as it comes and read for the stage it runs."""
    process = subprocess.Popen(  # noqa: S603 - DVC of this environment, user's stage names
        [*DVC, "repro", *targets],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    lines: list[str] = []
    pumps = [
        threading.Thread(target=_pump, args=(process.stdout, sys.stdout, lines), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, sys.stderr, lines), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    interrupted = False
    try:
        returncode = process.wait()
    except KeyboardInterrupt:
        interrupted = True
        process.terminate()  # a no-op if Ctrl-C already reached it
        returncode = process.wait()
    for pump in pumps:
        pump.join(timeout=5)
    text = "".join(lines)
    failed = FAILED_STAGE.findall(text)
    running = RUNNING_STAGE.findall(text)
    stage = failed[-1] if failed else (running[-1] if running else None)
    return Outcome(returncode or (130 if interrupted else 0), stage, interrupted)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while DVC runs, so the outputs are restored either way."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def to_commit(root: Path, outputs: Sequence[Output]) -> list[str] | None:
    """dvc.lock and the uncached outputs (kept in git) that are new or changed; None without git."""
    candidates = [LOCK_FILE, *(output.path.as_posix() for output in outputs if not output.cached)]
    try:
        status = subprocess.run(  # noqa: S603 - fixed git command on our own paths
            ["git", "status", "--porcelain", "--untracked-files=all", "--", *candidates],  # noqa: S607
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None  # no git: nothing to advise
    if status.returncode != 0:
        return None
    changed = {line[3:].strip().strip('"') for line in status.stdout.splitlines()}
    return [path for path in candidates if path in changed]


def pipeline(root: Path, targets: Sequence[str] = ()) -> int:
    """Run the pipeline; on failure put the last good outputs back. Returns the exit code."""
    root = root.resolve()
    before = list_outputs(root)
    scratch = root / ".dvc" / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pipeline-snapshot-", dir=scratch) as folder:
        saved = snapshot(root, before, Path(folder))
        with _terminate_as_interrupt():
            outcome = run_repro(root, targets)
        if outcome.returncode != 0:
            problems = restore(root, saved)
            where = f" at stage {outcome.stage}" if outcome.stage else ""
            what = "was interrupted" if outcome.interrupted else "failed"
            if not any(output.md5 for output in before):
                print(
                    f"error: the pipeline {what}{where}; there were no earlier outputs to put "
                    f"back (no stage had succeeded: {LOCK_FILE} was empty or missing)",
                    file=sys.stderr,
                )
            elif problems:
                print(
                    f"error: the pipeline {what}{where}, and the last good outputs could not "
                    f"all be put back: {'; '.join(problems)}",
                    file=sys.stderr,
                )
            else:
                print(
                    f"error: the pipeline {what}{where}; the last good outputs are back in "
                    f"place (as {LOCK_FILE} records them)",
                    file=sys.stderr,
                )
            return 1
    subprocess.run([*DVC, "metrics", "show"], cwd=root, check=False)  # noqa: S603
    changed = to_commit(root, list_outputs(root))
    if changed:
        print(
            f"pipeline: done; to record this run, commit {', '.join(changed)}:\n"
            f"  git add {' '.join(changed)} && git commit\n"
            "and share its data and model with `dvc push`"
        )
    else:
        print("pipeline: done" + ("" if changed is None else "; nothing new to commit"))
    return 0
