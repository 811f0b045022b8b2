"""Browser tests: Debian's chromium driven by Playwright (never ``playwright install``).

Without chromium these tests skip, unless ``REQUIRE_SERVICES=1`` (CI), where they fail.
Screenshots go to ``$TROIKA_ARTIFACTS_DIR/screenshots`` (default: ``<repo>/test-artifacts``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    root = Path(os.environ.get("TROIKA_ARTIFACTS_DIR") or REPO_ROOT / "test-artifacts")
    path = root / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def _async_unsafe_allowed():
    """Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    between browser steps are still plain synchronous calls. Only for these tests: a variable
    left in the environment would leak into other tests and their subprocesses."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed):
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("Debian's chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shot(page, screenshots_dir, request):
    """``shot("name")`` saves a full-page screenshot named after the test and the step."""

    def take(step: str) -> Path:
        path = screenshots_dir / f"{request.node.name}--{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(page, email: str, next_path: str, password: str | None = None) -> None:
    """Log in through the login page (email and password) and land on ``next_path``."""
    from tests.factories import DEFAULT_PASSWORD

    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("Email or mobile number").fill(email)
    page.get_by_label("Password").fill(password or DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{next_path}")


def fill_sign_up(page, *, email: str, password: str) -> None:
    """Open the sign-up page and fill in email and password (twice); the caller submits."""
    import re

    page.goto("/accounts/signup/")
    page.get_by_label(re.compile(r"^Email:?$")).fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(password)
