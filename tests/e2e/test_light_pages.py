"""Light pages and forms that help (issue 14.5, 14.6), in Chromium at 360x740.

- An anonymous ticket page registers no service worker and downloads neither the scanner's
  modules nor its WebAssembly decoder, nor anything else after the page is shown.
- The staff scanner pages register the worker and link the web-app manifest.
- A failed sign-up comes back with the first field in error focused and on screen.
"""
from __future__ import annotations

import secrets
import threading
import time

import pytest
from werkzeug.serving import make_server

from tests.e2e.conftest import FLAGS

sync_api = pytest.importorskip("playwright.sync_api")
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def live(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser(chromium_path):
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=FLAGS)
        yield b
        b.close()


def _poll(page, script, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not (value := page.evaluate(script)):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.1)
    return value


def test_anonymous_ticket_page_registers_no_worker_and_fetches_no_scanner(app, live, browser, make_relawan,
                                                                         make_event):
    from events.models import Registration
    from extensions import db
    event, relawan = make_event(), make_relawan(status="aktif")
    token = secrets.token_urlsafe(16)
    with app.app_context():
        db.session.add(Registration(event_id=event.id, relawan_id=relawan.id, token=token, status="confirmed"))
        db.session.commit()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live}/t/{token}", wait_until="networkidle")
    page.wait_for_timeout(500)  # a worker would register on "load" and start its precache now
    assert page.locator("h1").count() == 1
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
    assert not [u for u in requests if u.endswith(".wasm") or "/static/js/scanner" in u or "/vendor/" in u
                or "sw-register" in u or u.endswith("/sw.js") or "manifest" in u]
    assert all(u.startswith(live) or u.startswith("data:") for u in requests)
    context.close()


def test_staff_scanner_home_registers_the_worker_and_links_the_manifest(live, browser, make_user):
    from tests.conftest import PASSWORD
    user = make_user("panitia")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live + "/masuk")
    page.fill("input[name=identifier]", user.email or user.phone)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live + "/pindai", wait_until="networkidle")
    assert _poll(page, "async () => (await navigator.serviceWorker.getRegistrations()).length") == 1
    manifest = page.evaluate("""async () => {
        const r = await fetch(document.querySelector('link[rel=manifest]').href);
        return await r.json();
    }""")
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "../pindai"
    assert {"image/png", "image/svg+xml"} <= {i["type"] for i in manifest["icons"]}
    # Headless Chromium has no native BarcodeDetector, but nothing here scans: the decoder's
    # wasm is not precached in the background.
    page.wait_for_timeout(500)
    assert not [u for u in requests if u.endswith(".wasm")]
    context.close()


def test_failed_sign_up_focuses_the_first_field_in_error_on_a_phone(live, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live + "/daftar")
    page.fill("input[name=full_name]", "Siti Aminah")
    page.fill("input[name=nik]", "123")
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    _poll(page, "() => document.activeElement && document.activeElement.name === 'nik'")
    focused = page.evaluate("""() => {
        const el = document.activeElement, r = el.getBoundingClientRect();
        const msg = document.getElementById(el.getAttribute('aria-describedby').split(' ')[0]);
        return {invalid: el.getAttribute('aria-invalid'), top: r.top, bottom: r.bottom,
                message: msg && msg.textContent, h: window.innerHeight, scrolled: window.scrollY};
    }""")
    page.screenshot(path="/tmp/signup-error-360.png")
    assert focused["invalid"] == "true"
    assert "16" in focused["message"]  # the NIK's own message, not only the banner
    assert focused["top"] >= 0 and focused["bottom"] <= focused["h"]
    assert focused["scrolled"] > 0
    context.close()
