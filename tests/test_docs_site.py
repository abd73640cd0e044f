"""The generated project's documentation site, and the commands its pages show.

- ``make docs`` builds the site with ``mkdocs --strict``; every page of it opens in
  headless Chromium (tests/browser.py) over a local HTTP server, with no console error,
  no request leaving 127.0.0.1 and no internal link to a missing page or anchor.
- ``mkdocs.yml``'s navigation lists every page of ``docs/``, and only pages that exist.
- Day one (docs/onboarding.md) and the runbooks (docs/runbooks.md) are followed to the
  letter: their ``bash`` blocks run in order as one script, from a clone of a generated
  project (a bare copy stands in for the hosting service) to a pushed first change, then
  the runbooks in the same clone. ``make model-diff``, which CI runs on each pull or
  merge request, then compares the pushed branch with ``main``.
- The conventions page says what ``make check`` runs, part by part, as the Makefile does.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from tests.browser import browser, visit
from tests.conftest import TEMPLATE_DIR, BakedProject, ready

FENCE = re.compile(r"```bash\n(.*?)```", re.DOTALL)
HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)
FOLLOWED_IN_ORDER = ("docs/onboarding.md", "docs/runbooks.md")


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1 (mkdocs-material's search needs http, not file)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # no line per request in the test's output


def anchors(page: Path) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8")))


def broken_links(site: Path, page: Path, hrefs: list[str], origin: str) -> list[str]:
    """Each link of ``page`` to the site that names a missing file or anchor."""
    broken = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue  # leaving the site is a link, not a request; requests are checked apart
        target = site / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{page.name}: {href} -> no such file")
        elif parts.fragment and unquote(parts.fragment) not in anchors(target):
            broken.append(f"{page.name}: {href} -> no anchor #{parts.fragment}")
    return broken


@pytest.mark.slow
@ready("default")
def test_the_site_builds_strictly_and_every_page_opens_offline(project: BakedProject) -> None:
    """`make docs`, then every page in Chromium: clean console, local requests, live links."""
    project.run("make", "docs")
    site = project.path / "site"
    pages = sorted(site.glob("*.html"))
    expected = {f"{p.stem}.html" for p in (project.path / "docs").glob("*.md")} | {"404.html"}
    assert {p.name for p in pages} == expected
    problems: list[str] = []
    with serving(site) as origin, browser() as chromium:
        for page in pages:
            seen = visit(chromium, f"{origin}/{page.name}")
            problems += [f"{page.name}: {problem}" for problem in seen.problems()]
            assert seen.page.title(), f"{page.name}: no title"
            hrefs = seen.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            assert hrefs, f"{page.name}: no link at all (the navigation is missing)"
            problems += broken_links(site, page, hrefs, origin)
            if page.name == "reference.html":
                text = seen.page.inner_text("article")
                assert "load_params" in text, "the API reference shows no docstring"
            seen.page.close()
        # The search index is built locally and answers offline.
        seen = visit(chromium, f"{origin}/index.html")
        seen.page.keyboard.press("/")
        seen.page.keyboard.type("contract")
        seen.page.wait_for_selector(".md-search-result__item", timeout=15_000)
        problems += [f"search: {problem}" for problem in seen.problems()]
    assert problems == []


@ready("default")
def test_a_broken_link_fails_make_docs(project: BakedProject, tmp_path: Path) -> None:
    """--strict: a link to a page that does not exist stops the build, naming it.

    (mkdocs' --quiet would hide the warning, and --strict counts only what is shown.)
    """
    copy = tmp_path / "project"
    shutil.copytree(
        project.path, copy, ignore=shutil.ignore_patterns(".venv", ".git", "site", ".dvc")
    )
    with (copy / "docs" / "runbooks.md").open("a", encoding="utf-8") as runbooks:
        runbooks.write("\nSee [the missing page](no-such-page.md).\n")
    # `make docs` in the copy, on the ready project's environment (the copy has none).
    result = subprocess.run(
        ["make", "docs"],
        cwd=copy,
        env={**project.env, "UV_PROJECT_ENVIRONMENT": str(project.path / ".venv")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "no-such-page.md" in result.stderr + result.stdout


def nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [page for item in nav for page in nav_pages(item)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in nav_pages(value)]
    raise AssertionError(f"unexpected nav entry {nav!r}")


@ready("default")
def test_the_navigation_lists_every_page(project: BakedProject) -> None:
    """Every docs/*.md is in mkdocs.yml's nav once; every nav entry is a page."""
    config = yaml.safe_load(project.read("mkdocs.yml"))
    listed = nav_pages(config["nav"])
    pages = sorted(p.name for p in (project.path / "docs").glob("*.md"))
    assert sorted(listed) == pages
    assert config["theme"]["font"] is False, "web fonts would be fetched from Google"
    assert config["strict"] is True


def bash_blocks(project: BakedProject, doc: str) -> list[tuple[str, str]]:
    text = project.read(doc)
    return [
        (HEADING.findall(text[: match.start()])[-1], match.group(1))
        for match in FENCE.finditer(text)
    ]


@pytest.mark.slow
@ready("default")
def test_onboarding_then_runbooks_in_a_fresh_clone(project: BakedProject, tmp_path: Path) -> None:
    """Day one and the runbooks, every command in order, from `git clone` to a pushed change."""
    origin = tmp_path / "origin.git"
    project.run("git", "clone", "--quiet", "--bare", str(project.path), str(origin))
    work = tmp_path / "work"
    work.mkdir()
    steps = []
    for doc in FOLLOWED_IN_ORDER:
        for heading, block in bash_blocks(project, doc):
            steps.append(f"echo '>>> {doc}: {heading}'\n{block}")
    assert len(steps) >= 6, steps
    script = "\n".join(steps)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=work,
        env={**project.env, "REPOSITORY": str(origin)},
        capture_output=True,
        text=True,
        timeout=3600,  # three test runs (make test, make check, goldens) on 2 cores
        check=False,
    )
    output = result.stdout
    assert result.returncode == 0, (
        f"a documented command failed (exit {result.returncode}); the last step it reached:\n"
        f"{output[output.rfind('>>> ') :][-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}"
    )
    clone = work / project.path.name
    assert "pre-commit hooks installed" in output
    assert "accuracy" in output  # dvc metrics show, then the diff against main
    # The first change reached the hosting service, with the parameter it set.
    pushed = subprocess.run(
        ["git", "--git-dir", str(origin), "show", "first-change:params.yaml"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"^    C: 0\.5\b", pushed, re.MULTILINE), pushed
    # The runbooks left the clone as the first change committed it.
    assert "Data and pipelines are up to date." in output
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == "", status
    # What CI writes for the reviewer of that change: params and metrics against main.
    review = subprocess.run(
        ["make", "model-diff", "BASE=main"],
        cwd=clone,
        env=project.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    assert re.search(r"\| params\.yaml \| train\.linear\.C \| 1\.0 +\| 0\.5 ", review), review
    assert "| reports/metrics.json |" in review
    assert (clone / "review" / "plots" / "index.html").is_file()


def test_the_conventions_page_says_what_make_check_runs() -> None:
    """The table of docs/conventions.md names each part of `make check`, in order."""
    project = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    parts = re.search(r"^check: ([\w -]+)##", makefile, re.MULTILINE)
    assert parts, "no `check:` target in the generated Makefile"
    page = (project / "docs" / "conventions.md").read_text(encoding="utf-8")
    table = page.split("## `make check`: the one gate", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `make ([\w-]+)` \| .+ \| (\d+) s \|$", table, re.MULTILINE)
    assert [name for name, _ in rows] == parts.group(1).split()
