"""A live server on a free local port and Debian's Chromium driven by Playwright."""

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A microphone that plays a beep, granted without a prompt (a teacher records their voice).
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
PHONE = {"width": 360, "height": 740}
PROJECTOR = {"width": 1280, "height": 800}  # the volunteer's laptop, on the wall


class InFlight:
    """Counts the requests the live server is still answering, so a test's teardown can wait
    for the last one (a service worker's sync, say) before the tables are emptied.

    Each answer is read whole and its iterable closed here, before werkzeug writes it: when a
    browser hangs up mid-answer (it navigated away), werkzeug's dev server can raise in its
    drain loop before it closes the iterable, and a static file left open fails a later test
    with a ResourceWarning."""

    def __init__(self, app):
        self.app, self.count, self.lock = app, 0, threading.Condition()

    def __call__(self, environ, start_response):
        with self.lock:
            self.count += 1
        try:
            answer = self.app(environ, start_response)
            try:
                return [b"".join(answer)]
            finally:
                if hasattr(answer, "close"):
                    answer.close()
        finally:
            with self.lock:
                self.count -= 1
                self.lock.notify_all()

    def wait_idle(self, seconds: float = 30) -> None:
        with self.lock:
            self.lock.wait_for(lambda: self.count == 0, timeout=seconds)


@pytest.fixture(scope="session")
def in_flight(app):
    return InFlight(app.wsgi_app)


@pytest.fixture(scope="session")
def live_server(app, in_flight):
    server = make_server("127.0.0.1", 0, in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"http://127.0.0.1:{server.server_port}"
    # Cards, QR codes and the projector's join link point at the configured public address.
    app.config["PUBLIC_URL"] = address
    yield address
    server.shutdown()
    thread.join()


@pytest.fixture(autouse=True)
def _real_csrf(app):
    """The browser goes through CSRF exactly as a phone does."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server, in_flight):
    """A 360 px wide phone in French; call it again for a second phone."""
    contexts = []

    def open_phone(locale="fr-FR", javascript=True, size=PHONE, timeout=10_000):
        context = browser.new_context(
            viewport=size,
            locale=locale,
            base_url=live_server,
            java_script_enabled=javascript,
            service_workers="allow",
            device_scale_factor=1,
        )
        context.set_default_timeout(timeout)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()
    in_flight.wait_idle()  # no request of this test still writes when the tables are emptied


@pytest.fixture
def projector(phone):
    """The host's page on a 1280 px laptop in French (closed with the phones)."""
    return lambda: phone(size=PROJECTOR, timeout=30_000)


@pytest.fixture
def shot():
    """Save a screenshot to test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def picture_width(image) -> int:
    """An image's width in pixels once the browser has finished loading it (0 if it failed): a
    page that arrived by a click or a poll may still be fetching its pictures."""
    return image.evaluate(
        """e => e.complete ? e.naturalWidth : new Promise(done => {
            e.addEventListener('load', () => done(e.naturalWidth), {once: true});
            e.addEventListener('error', () => done(0), {once: true});
        })"""
    )
