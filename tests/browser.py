"""Open what a person looks at (an HTML report, a docs site) in Debian's Chromium.

Playwright drives the system browser (``/usr/bin/chromium``; nothing is downloaded). A
visit records what a person would not see but a reviewer should: messages on the
console at error level, uncaught page errors, and every request the page made that did
not stay on the page's own origin (for a ``file://`` page, any request that is not
``file:`` or ``data:``). Tests using it skip, naming the missing browser, on a machine
without Chromium (``.ci/run`` installs it where it can).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As the machine's own probe starts it: without the background-networking flags
# Chromium keeps trying Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not found on PATH (Debian package: chromium)"
)


@dataclass
class Visit:
    """What one page load did: the page, its console errors and its outside requests."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything a clean page has none of, each named."""
        return (
            [f"console error: {text}" for text in self.console_errors]
            + [f"page error: {text}" for text in self.page_errors]
            + [f"request outside the page: {url}" for url in self.outside_requests]
            + [f"failed request: {url}" for url in self.failed_requests]
        )


def _same_origin(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    if origin == "file":
        return parts.scheme == "file"
    return f"{parts.scheme}://{parts.netloc}" == origin


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium; skips the test when there is none."""
    if CHROMIUM is None:
        pytest.skip("Chromium not found on PATH (Debian package: chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


def visit(open_browser: Any, url: str) -> Visit:
    """Load ``url`` in a new page until the network is idle, recording what it did."""
    parts = urlsplit(url)
    origin = "file" if parts.scheme == "file" else f"{parts.scheme}://{parts.netloc}"
    page = open_browser.new_page()
    seen = Visit(page=page)
    page.on(
        "console",
        lambda message: (
            seen.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            None if _same_origin(request.url, origin) else seen.outside_requests.append(request.url)
        ),
    )
    page.on("requestfailed", lambda request: seen.failed_requests.append(request.url))
    page.goto(url, wait_until="networkidle")
    return seen
