"""The offline service worker (static/js/sw.js) in a real Chromium.

Runs against a tiny Flask app started here (not the project's app), so it only depends on
the static files: `/sw.js` served like the real route, an opted-in scanner page
(`X-Offline-Cache: 1`), a page with "personal data" that does not opt in, a slow page, a
logout form and a fake API. Same CSP as the real app, so `wait_for_function` is not used.
"""
from __future__ import annotations

import json
import os
import pathlib
import threading
import time
import urllib.request

import flask
import pytest
from werkzeug.serving import make_server

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = pathlib.Path(__file__).resolve().parents[2]
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
       "style-src 'self'; img-src 'self' data:")
SECRET = "NIK 3604015501900001 milik Siti Aminah"
WASM = ROOT / "static/vendor/zxing-wasm-3.1.3/zxing_reader.wasm"


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/css/app.css">
<script src="/static/js/sw-register.js" defer></script>
</head><body><main class="wrap">{body}</main></body></html>"""


def _make_app(state: dict) -> flask.Flask:
    app = flask.Flask(__name__, static_folder=str(ROOT / "static"), static_url_path="/static")

    @app.get("/sw.js")
    def service_worker():
        # Same code as the route the real app uses (see docs/offline.md).
        response = flask.send_from_directory(
            app.static_folder, "js/sw.js", mimetype="application/javascript", max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["Service-Worker-Allowed"] = "/"
        return response

    @app.get("/pindai/<int:event_id>")
    def scanner(event_id):
        state["prefetches"] += flask.request.headers.get("X-Offline-Prefetch") == "1"
        time.sleep(state["delay"])
        state["version"] += 1
        body = (f'<h1 id="judul">Pemindai QR acara {event_id}</h1>'
                f'<p id="versi">versi {state["version"]}</p>'
                '<form method="post" action="/keluar"><button id="keluar" type="submit">'
                "Keluar</button></form>")
        headers = {"X-Offline-Cache": "1"} if state["opt_in"] else {}
        # The real views also send no-store; the worker's cache is an explicit opt-in.
        return _page("Pemindai", body), 200, {**headers, "Cache-Control": "private, no-store"}

    @app.get("/rahasia")
    def secret():
        return _page("Data pribadi", f'<p id="rahasia">{SECRET}</p>')

    @app.get("/lambat")
    def slow():
        time.sleep(5)
        return _page("Laporan", '<p id="laporan">Laporan selesai</p>')

    @app.post("/keluar")
    def logout():
        return flask.redirect("/masuk", 303)

    @app.get("/masuk")
    def login():
        return _page("Masuk", '<h1 id="masuk">Silakan masuk</h1>')

    @app.route("/api/v1/ping", methods=["GET", "POST"])
    def api():
        return {"ok": True}

    @app.after_request
    def csp(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    return app


@pytest.fixture(scope="module")
def server():
    state = {"opt_in": True, "delay": 0, "version": 0, "prefetches": 0}
    httpd = make_server("127.0.0.1", 0, _make_app(state), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", state
    httpd.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def site(server, browser, tmp_path):
    """A fresh browser profile (no worker, no caches) on a phone-sized screen."""
    base, state = server
    state.update(opt_in=True, delay=0, prefetches=0)
    context = browser.new_context(service_workers="allow", viewport={"width": 360, "height": 740})
    requests, errors = [], []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and
            "Content Security Policy" in m.text else None)
    yield base, state, context, page
    context.close()
    outside = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
    assert outside == [], "requests left 127.0.0.1"
    assert errors == []


def _poll(page, script, arg=None, timeout=15.0):
    """Evaluate until truthy (wait_for_function would be blocked by the CSP)."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.1)


def _kept(page, path):
    return page.evaluate("async (p) => !!(await caches.match(p))", path)


def _visit_once(page, base):
    """One online visit: the worker installs, takes control and keeps the page."""
    page.goto(base + "/pindai/1")
    _poll(page, "() => !!navigator.serviceWorker.controller")
    _poll(page, "async () => !!(await caches.match('/pindai/1'))")


def _fetch_outcome(page, path, method="GET"):
    return page.evaluate(
        """async ([path, method]) => {
             try {
               const r = await fetch(path, {method, body: method === 'POST' ? '{}' : undefined});
               return {status: r.status};
             } catch (e) { return {error: e.name}; }
           }""", [path, method])


def _assert_offline_page(response, page):
    assert response.status == 503
    assert response.from_service_worker
    assert page.locator("h1").inner_text() == "Anda sedang offline"
    assert SECRET not in page.content()
    # app.css came from the worker's cache; no inline style needed.
    assert page.evaluate("() => document.styleSheets.length") == 1


def test_scanner_page_opens_offline_after_one_online_visit(site, tmp_path):
    base, state, context, page = site
    _visit_once(page, base)
    # The first visit loaded before the worker existed: the worker fetched it once more.
    assert state["prefetches"] == 1
    page.goto(base + "/rahasia")
    assert page.locator("#rahasia").inner_text() == SECRET
    assert not _kept(page, "/rahasia")  # no opt-in header: never stored
    # The wasm decoder is not precached; scanner/decode.js asks for it when it has to use it.
    assert not _kept(page, "/static/vendor/zxing-wasm-3.1.3/zxing_reader.wasm")
    page.evaluate("async () => (await navigator.serviceWorker.ready).active.postMessage({type: 'keep-decoder'})")
    _poll(page, "async () => !!(await caches.match('/static/vendor/zxing-wasm-3.1.3/zxing_reader.wasm'))")

    context.set_offline(True)
    response = page.goto(base + "/pindai/1")
    assert response.status == 200 and response.from_service_worker
    assert page.locator("#judul").inner_text() == "Pemindai QR acara 1"
    page.screenshot(path=str(tmp_path / "scanner-offline.png"))

    # The scanner's own files (precache) and the QR decoder (kept on request) come from the cache.
    for path in ["/static/js/scanner.js", "/static/js/offline-queue.js", "/static/css/scanner.css",
                 "/static/vendor/barcode-detector-3.2.2/ponyfill.js",
                 "/static/vendor/barcode-detector-3.2.2/zxing-exported.js"]:
        assert _fetch_outcome(page, path) == {"status": 200}, path
    wasm = page.evaluate("""async () => {
        const r = await fetch('/static/vendor/zxing-wasm-3.1.3/zxing_reader.wasm');
        return [r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength];
    }""")
    assert wasm == [200, "application/wasm", WASM.stat().st_size]
    # ... and the QR decoder really starts offline, the way scanner.js loads it.
    formats = page.evaluate("""async () => {
        const mod = await import('/static/vendor/barcode-detector-3.2.2/ponyfill.js');
        const wasmUrl = new URL('/static/vendor/zxing-wasm-3.1.3/zxing_reader.wasm', location.href).href;
        await mod.prepareZXingModule({
            overrides: {locateFile: (p, prefix) => (p.endsWith('.wasm') ? wasmUrl : prefix + p)},
            fireImmediately: true, equalityFn: () => false});
        return mod.BarcodeDetector.getSupportedFormats();
    }""")
    assert "qr_code" in formats

    # The API and non-GET requests are never answered from a cache: the scanner must see
    # the network error to queue the scan.
    assert _fetch_outcome(page, "/api/v1/ping") == {"error": "TypeError"}
    assert _fetch_outcome(page, "/api/v1/ping", "POST") == {"error": "TypeError"}
    assert _fetch_outcome(page, "/pindai/1", "POST") == {"error": "TypeError"}

    response = page.goto(base + "/rahasia")
    _assert_offline_page(response, page)
    page.screenshot(path=str(tmp_path / "offline-page.png"))
    assert page.get_attribute("a.btn", "href") == ""  # "Coba lagi": this same URL

    context.set_offline(False)
    page.goto(base + "/rahasia")
    assert page.locator("#rahasia").inner_text() == SECRET


def test_logout_form_clears_kept_pages(site):
    base, _, context, page = site
    _visit_once(page, base)
    page.click("#keluar")
    page.wait_for_url(base + "/masuk")
    _poll(page, "async () => !(await caches.match('/pindai/1'))")
    context.set_offline(True)
    _assert_offline_page(page.goto(base + "/pindai/1"), page)


def test_clear_message_is_answered_and_clears(site):
    base, _, _, page = site
    _visit_once(page, base)
    reply = page.evaluate("""() => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (e) => resolve(e.data);
        navigator.serviceWorker.controller.postMessage({type: 'clear-offline-cache'},
                                                       [channel.port2]);
    })""")
    assert reply == {"type": "offline-cache-cleared"}
    assert not _kept(page, "/pindai/1")
    # Static files are not personal data and stay.
    assert _kept(page, "/static/js/scanner.js")


def test_page_that_stops_opting_in_is_forgotten(site):
    base, state, context, page = site
    _visit_once(page, base)
    state["opt_in"] = False  # e.g. the session expired and the view no longer opts in
    page.reload()
    _poll(page, "async () => !(await caches.match('/pindai/1'))")
    context.set_offline(True)
    _assert_offline_page(page.goto(base + "/pindai/1"), page)


def test_slow_network_kept_copy_after_timeout_but_slow_pages_still_load(site):
    base, state, _, page = site
    _visit_once(page, base)
    kept = page.evaluate("async () => (await (await caches.match('/pindai/1')).text())")
    state["delay"] = 6
    started = time.monotonic()
    response = page.goto(base + "/pindai/1")
    elapsed = time.monotonic() - started
    assert 3.5 < elapsed < 5.9
    assert response.status == 200
    assert page.locator("#versi").inner_text() in kept  # the kept copy, not the slow answer
    state["delay"] = 0

    # No kept copy: a slow page (a report, an export) is waited for, not replaced.
    response = page.goto(base + "/lambat")
    assert response.status == 200
    assert page.locator("#laporan").inner_text() == "Laporan selesai"


def test_kept_page_older_than_two_weeks_is_not_served(site):
    base, _, context, page = site
    _visit_once(page, base)
    # Backdate the kept copy (the page can write the same Cache Storage as the worker).
    page.evaluate("""async () => {
        for (const name of await caches.keys()) {
            if (!name.startsWith('p2tp2a-pages-')) continue;
            const cache = await caches.open(name);
            const old = await cache.match('/pindai/1');
            const headers = new Headers(old.headers);
            headers.set('X-Offline-Stored-At', String(Date.now() - 15 * 24 * 3600 * 1000));
            await cache.put('/pindai/1', new Response(await old.blob(), {headers}));
        }
    }""")
    context.set_offline(True)
    _assert_offline_page(page.goto(base + "/pindai/1"), page)
    assert not _kept(page, "/pindai/1")


def test_sw_route_headers(server):
    base, _ = server
    with urllib.request.urlopen(base + "/sw.js") as r:
        assert r.headers["Content-Type"].startswith("application/javascript")
        assert r.headers["Cache-Control"] == "no-cache"
        assert r.headers["Service-Worker-Allowed"] == "/"
        assert b"clear-offline-cache" in r.read()
    assert json.loads(urllib.request.urlopen(base + "/api/v1/ping").read()) == {"ok": True}
