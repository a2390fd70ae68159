"""Issue 14.4 and 14.3 in the browser: at 360x740 the registrant and screening tables are cards
whose first row shows its status and action inside the viewport; dashboard chart text is at least
12 px; at 1280x800 the staff menu is a visible bar. Screenshots go to $PHONE_SCREENSHOTS
(default /tmp/phone-layout) to be looked at."""
from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from tests.e2e.conftest import FLAGS

sync_api = pytest.importorskip("playwright.sync_api")
SCREENSHOTS = Path(os.environ.get("PHONE_SCREENSHOTS", "/tmp/phone-layout"))
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def live(app):
    """The session app served on 127.0.0.1 in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def data(app, make_user, make_relawan, make_event):
    """An event with three registrants (one a long-named relawan) and calon relawan to screen."""
    from events.models import Registration
    from extensions import db
    event = make_event(title="Sosialisasi Pencegahan Kekerasan terhadap Perempuan dan Anak")
    people = [make_relawan(status="calon", full_name=name) for name in (
        "Siti Nurhaliza binti Abdurrahman Wahid", "Dewi Lestari", "Rina Marlina")]
    with app.app_context():
        for r in people:
            db.session.add(Registration(event_id=event.id, relawan_id=r.id, status="confirmed",
                                        token=secrets.token_urlsafe(16), source="self"))
        db.session.commit()
    return {"event": event, "admin": make_user("admin")}


def _login(page, base: str, user) -> None:
    page.goto(base + "/masuk")
    page.fill("input[name=identifier]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _inside(page, locator) -> bool:
    """The element's box lies wholly inside the viewport (no scrolling either way)."""
    box = locator.bounding_box()
    size = page.viewport_size
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"])


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def browser(chromium_path):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=FLAGS)
        yield browser
        browser.close()


def _page(browser, live, user, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _login(page, live, user)
    return page


def test_first_row_status_and_action_inside_a_phone_viewport(live, data, browser):
    page = _page(browser, live, data["admin"], PHONE)
    event_id = data["event"].id
    page.goto(f"{live}/kelola/kegiatan/{event_id}/peserta")
    row = page.locator("table.cards tbody tr").first
    row.scroll_into_view_if_needed()
    assert _inside(page, row.locator("td[data-label=Status] .badge").first)
    assert _inside(page, row.locator("td[data-label=Aksi] a", has_text="Tiket"))
    assert _inside(page, row.get_by_role("button", name="Kirim tiket"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shoot(page, "registrants-360")

    page.goto(f"{live}/relawan")
    row = page.locator("table.cards tbody tr").first
    row.scroll_into_view_if_needed()
    assert _inside(page, row.locator("td[data-label=Status] .badge").first)
    assert _inside(page, row.get_by_role("checkbox"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shoot(page, "screening-360")

    page.goto(f"{live}/laporan/")
    # 12-unit chart text scaled by the drawn width over the viewBox width
    scale = page.evaluate("""() => { const s = document.querySelector('svg.chart');
        return s.getBoundingClientRect().width / s.viewBox.baseVal.width; }""")
    assert 12 * scale >= 12
    _shoot(page, "dashboard-360")
    page.goto(f"{live}/kegiatan/{event_id}")
    assert _inside(page, page.get_by_role("heading", name="Tugas panitia"))
    _shoot(page, "event-staff-360")


def test_staff_navigation_is_a_visible_bar_on_a_desktop(live, data, browser):
    page = _page(browser, live, data["admin"], DESKTOP)
    event_id = data["event"].id
    page.goto(f"{live}/kegiatan/{event_id}")
    bar = page.get_by_role("navigation", name="Menu utama (layar lebar)")
    for name in ("Kelola kegiatan", "Pindai QR", "Relawan", "Dasbor"):
        assert bar.get_by_role("link", name=name, exact=True).is_visible(), name
    assert not page.get_by_text("Menu", exact=True).is_visible()
    _shoot(page, "event-staff-1280")
    for name, path in (("registrants", f"/kelola/kegiatan/{event_id}/peserta"),
                       ("screening", "/relawan"), ("dashboard", "/laporan/")):
        page.goto(live + path)
        assert bar.get_by_role("link", name="Dasbor", exact=True).is_visible()
        _shoot(page, f"{name}-1280")
