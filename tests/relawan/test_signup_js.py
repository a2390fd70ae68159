"""static/js/signup.js in a real Chromium: the kelurahan search box filters the grouped select
and accepts spelling variants; without JavaScript the plain select still works."""
from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip("chromium is missing: signup.js browser test skipped", allow_module_level=True)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def live(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        br = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield br
        br.close()


def _options(page) -> list[str]:
    return page.eval_on_selector_all("#kelurahan_kode option", "os => os.map(o => o.textContent)")


def test_search_filters_and_accepts_spelling_variants(live, browser):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live + "/daftar")
    assert len(_options(page)) == 68  # placeholder + 67
    page.fill(".kel-search", "curugmanis")  # official: Curug Manis
    assert _options(page) == ["Pilih kelurahan", "Curug Manis"]
    assert page.input_value("#kelurahan_kode") == page.eval_on_selector(
        "#kelurahan_kode option:last-child", "o => o.value")
    page.fill(".kel-search", "Kamanisan")  # variant of Kemanisan
    assert "Kemanisan" in _options(page)
    page.fill(".kel-search", "sukawana")  # two kelurahan share the name: both stay, in their kecamatan
    groups = page.eval_on_selector_all("#kelurahan_kode optgroup", "gs => gs.map(g => g.label)")
    assert _options(page).count("Sukawana") == 2 and len(groups) == 2
    page.fill(".kel-search", "")
    assert len(_options(page)) == 68
    assert errors == []
    page.close()


def test_without_javascript_the_plain_select_is_there(live, browser):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(live + "/daftar")
    assert page.locator(".kel-search").count() == 0
    assert len(_options(page)) == 68
    ctx.close()
