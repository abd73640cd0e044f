"""The template's docs site builds with --strict and every page opens cleanly offline.

`make docs` (`mkdocs build --strict`) builds the site into a temporary folder here; it
is served on 127.0.0.1 by the standard library's http.server, and each page is
opened in headless Chromium (tests/browser.py): no console error, no page error, no
request leaving the site (a web font or a CDN script would be one), no failed request,
and every link inside the site leads to a page that exists, with the anchor it names.
"""

from __future__ import annotations

import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from tests.browser import browser, needs_chromium, visit
from tests.conftest import TEMPLATE_DIR, hermetic_env

pytestmark = [needs_chromium, pytest.mark.xdist_group("template-site")]

NAV_PAGES = (
    "index.html",
    "generated.html",
    "tools.html",
    "options.html",
    "design.html",
    "updating.html",
)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `make docs` builds it (mkdocs --strict), into a temporary folder."""
    out = tmp_path_factory.mktemp("template-site") / "site"
    result = subprocess.run(
        ["make", "docs", f"SITE_DIR={out}"],
        cwd=TEMPLATE_DIR,
        env=hermetic_env(out.parent / "home"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, (
        f"make docs failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    )
    return out


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site on http://127.0.0.1:<free port>/, for the length of the module."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium for every page of the module."""
    with browser() as open_browser:
        yield open_browser


def test_the_makefile_builds_the_site_strictly() -> None:
    """`make docs`, which the fixture runs, is a strict build: a warning fails it."""
    makefile = (TEMPLATE_DIR / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ndocs:", 1)[1].split("\n\n", 1)[0]
    assert "mkdocs build --strict" in recipe, recipe


def test_every_nav_page_is_built(site: Path) -> None:
    """Each page of the navigation is in the built site, and the site holds no other page."""
    built = sorted(p.name for p in site.glob("*.html") if p.name != "404.html")
    assert built == sorted(NAV_PAGES)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


@pytest.mark.parametrize("page", NAV_PAGES)
def test_page_opens_offline_with_no_error_and_no_broken_link(
    served: str, chromium: Any, page: str
) -> None:
    """The page renders in Chromium with no problem, and its links inside the site resolve."""
    seen = visit(chromium, urljoin(served, page))
    try:
        assert seen.problems() == [], f"{page}: {seen.problems()}"
        assert seen.page.locator("h1").count() >= 1, f"{page}: no heading rendered"
        hrefs: list[str] = seen.page.eval_on_selector_all(
            "a[href]", "links => links.map(link => link.href)"
        )
    finally:
        seen.page.close()
    origin = urlsplit(served).netloc
    broken: list[str] = []
    for href in sorted(set(hrefs)):
        if urlsplit(href).netloc != origin:
            continue
        target, anchor = urldefrag(href)
        try:
            html = fetch(target)
        except OSError as error:
            broken.append(f"{href} ({error})")
            continue
        if anchor and f'id="{anchor}"' not in html:
            broken.append(f"{href} (no element with id {anchor!r})")
    assert not broken, f"{page} links to what the site does not have: {broken}"
