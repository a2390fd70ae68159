"""The door scanner offline with its door list (issue 13.2), in a real Chromium with the fake camera.

With the network cut, a scan answers at once from the door list kept on the phone: a valid
ticket green with the name (queued), the same ticket again orange with the time it went in, a
made-up code and another event's ticket red, a cancelled and a waitlisted ticket red (red ones
are not queued). Back online the queue syncs: one CheckIn, one ScanRecord per queued scan.
Two phones that both admitted the same ticket offline both sync; the second lists the
conflict, and the database holds one CheckIn. The list is deleted when the event's window has
closed and at logout, while a scan still waiting for upload is kept.
Screenshots (360x740) go to $E2E_SCREENSHOTS (default /tmp/e2e-scanner-offline).
"""
from __future__ import annotations

import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.e2e.conftest import live_app
from tests.e2e.fakecam import write_y4m
from tests.e2e.scanner_page import (
    PASSWORD,
    assert_local,
    count_checkins,
    launch_chromium,
    log_in,
    phone_page,
    poll_until,
    scanner_state,
    start_camera,
)

sync_api = pytest.importorskip("playwright.sync_api")

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-scanner-offline"))
DOORLIST_DB = "p2tp2a-doorlist"
ENTRY_KEYS = {"e", "h", "c", "n", "l", "s", "t"}  # what the phone keeps of a person: no NIK, no phone
# Every row of an IndexedDB store, read in the page (open only a database that exists: opening
# creates it).
READ_STORE = """([name, store]) => new Promise((resolve, reject) => {
  const req = indexedDB.open(name);
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const all = req.result.transaction(store).objectStore(store).getAll();
    all.onsuccess = () => { req.result.close(); resolve(all.result); };
  };
})"""
ENTRIES, QUEUE = [DOORLIST_DB, "entries"], ["p2tp2a-scanner", "queue"]  # [database, store]
DATABASES = "() => indexedDB.databases().then((dbs) => dbs.map((d) => d.name))"
STOP_CAMERA = """() => {
  const v = document.getElementById('camera');
  const s = v.srcObject;
  v.srcObject = null;
  if (s) s.getTracks().forEach((t) => t.stop());
}"""


@pytest.fixture(scope="module")
def site(app):
    """The live app on the test database: TEST_DATABASE_URL (PostgreSQL) when set, whose tables
    the session's `app` fixture created and `_clean_tables` empties after each test."""
    url = os.environ.get("TEST_DATABASE_URL")
    with live_app("e2e-scanner-offline-", **({"SQLALCHEMY_DATABASE_URI": url} if url else {})) as served:
        yield served


@pytest.fixture
def door(site):
    """A panitia, an event running now with confirmed, cancelled and waitlisted guests, and
    another event's ticket (fresh per test)."""
    from auth.models import User
    from events.models import Event, Registration
    from extensions import db
    from timeutil import utcnow

    app, base = site
    n = secrets.token_hex(3)
    with app.app_context():
        user = User(name="Panitia Pintu", email=f"pintu-{n}@contoh.id", role="panitia")
        user.set_password(PASSWORD)
        now = utcnow()
        events = [Event(kind="sosialisasi", title=f"{title} {n}", venue_name="Aula PKPRI",
                        status="published", starts_at=now - timedelta(minutes=30),
                        ends_at=now + timedelta(hours=3))
                  for title in ("Sosialisasi PKPRI", "Rakor Kecamatan")]
        db.session.add_all([user, *events])
        db.session.flush()
        people = [(0, "Siti Aminah", "confirmed"), (0, "Budi Santoso", "confirmed"),
                  (0, "Dewi Lestari", "cancelled"), (0, "Eko Prasetyo", "waitlisted"),
                  (1, "Fajar Nugroho", "confirmed")]
        regs = {}
        for which, name, status in people:
            reg = Registration(event_id=events[which].id, guest_name=name, guest_instansi="PKK Kasemen",
                               status=status, source="guest", token=secrets.token_urlsafe(18),
                               created_at=now)
            db.session.add(reg)
            regs[name] = reg
        db.session.commit()
        data = {"email": user.email, "event_id": events[0].id,
                "ids": {name: r.id for name, r in regs.items()},
                "urls": {name: f"{base}/t/{r.token}" for name, r in regs.items()}}
    return app, base, data


def _clip_after_loading(tmp_path, url):
    """The camera shows `url` once, 15 s after it starts (it may start with the page, and the test
    cuts the network only once the door list has loaded), then stays blank; 320x240 keeps the
    file small."""
    return write_y4m(tmp_path / "one-code.y4m", [None] * 15 + [url] + [None] * 8, width=320, height=240)


def _scan_records(app, event_id) -> set[str]:
    from events.checkin_models import ScanRecord
    from extensions import db

    with app.app_context():
        ids = set(db.session.scalars(select(ScanRecord.scan_id).where(ScanRecord.event_id == event_id)))
        db.session.remove()
        return ids


def _open_scanner(page, data, device):
    log_in(page, data["email"])
    page.goto(f"/pindai/{data['event_id']}")
    page.locator(".scanner-more summary").click()
    page.fill("#device-name", device)
    page.locator("#device-name").dispatch_event("change")
    poll_until(page, lambda: (scanner_state(page, "doorList") or {}).get("count") == 4, what="the door list (4 rows)")


def _type_code(page, code):
    """The manual code field: the same path as a QR read (checkin.handleCode)."""
    page.evaluate("() => { window.__scannerState.lastResult = null; }")
    page.fill("#manual-code", code)
    page.locator("#manual-form button[type=submit]").click()
    poll_until(page, lambda: scanner_state(page, "lastResult"), what=f"the answer to {code}")
    return scanner_state(page, "lastResult")


def _shot(page, name, close_result=False):
    SHOTS.mkdir(parents=True, exist_ok=True)
    if close_result:  # the overlay also closes by itself: a tap may find it gone
        with contextlib.suppress(sync_api.Error):
            page.locator("#result").click(timeout=2000)
        sync_api.expect(page.locator("#result")).to_be_hidden(timeout=10000)
    page.wait_for_timeout(300)  # the overlay's 120 ms fade-in
    page.screenshot(path=str(SHOTS / name), full_page=close_result)


def test_offline_answers_from_the_door_list_then_one_sync(chromium_path, door, tmp_path):
    from events.models import Event, Registration
    from extensions import db
    from timeutil import utcnow

    app, base, data = door
    ev, urls = data["event_id"], data["urls"]
    siti = data["ids"]["Siti Aminah"]
    clip = _clip_after_loading(tmp_path, urls["Siti Aminah"])
    guards = {"requests": [], "errors": []}
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p, chromium_path, clip)
        context, page = phone_page(browser, base, guards)
        _open_scanner(page, data, "Pintu utara")
        entries = page.evaluate(READ_STORE, ENTRIES)
        assert len(entries) == 4 and all(set(e) == ENTRY_KEYS for e in entries)
        assert "Fajar Nugroho" not in {e["n"] for e in entries}
        context.set_offline(True)
        start_camera(page)

        result = page.locator("#result")
        sync_api.expect(result).to_have_attribute("data-result", "offline_valid", timeout=30000)
        sync_api.expect(result).to_contain_text("Siti Aminah")
        sync_api.expect(result).to_contain_text("Valid — belum masuk")
        sync_api.expect(page.locator("#net-status")).to_contain_text("daftar per")
        _shot(page, "offline-green.png")
        page.evaluate(STOP_CAMERA)  # the clip loops: no more sightings of Siti from here on

        again = _type_code(page, urls["Siti Aminah"])
        assert again["result"] == "offline_already"
        sync_api.expect(result).to_contain_text("Sudah masuk pukul")
        sync_api.expect(result).to_contain_text("di perangkat ini")
        _shot(page, "offline-orange.png")
        made_up = _type_code(page, f"{base}/t/{secrets.token_urlsafe(18)}")
        assert made_up["result"] == "invalid_code" and made_up["offline"]
        sync_api.expect(result).to_contain_text("tiket acara lain atau kode palsu")
        _shot(page, "offline-red.png")
        assert _type_code(page, urls["Fajar Nugroho"])["result"] == "invalid_code"
        cancelled = _type_code(page, urls["Dewi Lestari"])
        assert cancelled["result"] == "cancelled" and cancelled["attendee"]["name"] == "Dewi Lestari"
        assert _type_code(page, urls["Eko Prasetyo"])["result"] == "not_registered"
        valid = _type_code(page, urls["Budi Santoso"])
        assert valid["result"] == "offline_valid"

        # Only the two green ones wait for the server; nothing reached it yet.
        queued = page.evaluate(READ_STORE, QUEUE)
        assert [(q["label"], q["offline"]) for q in queued] == [("Siti Aminah", "valid"),
                                                                 ("Budi Santoso", "valid")]
        assert count_checkins(app, ev) == 0
        with app.app_context():  # meanwhile the desk cancels Budi: the server refuses his scan
            db.session.get(Registration, data["ids"]["Budi Santoso"]).status = "cancelled"
            db.session.commit()
            db.session.remove()
        context.set_offline(False)
        poll_until(page, lambda: scanner_state(page, "queueLength") == 0 and scanner_state(page, "synced") == 2,
              timeout=30, what="the queue drained")
        sync_api.expect(page.locator("#sync-list")).to_contain_text("Siti Aminah")
        refused = page.locator("#sync-list .sync-item--conflict")
        sync_api.expect(refused).to_have_count(1)
        sync_api.expect(refused).to_contain_text("Budi Santoso")
        sync_api.expect(refused).to_contain_text("Konflik: diterima offline di perangkat ini, tetapi server menolak")
        assert [(c["name"], c["kind"]) for c in scanner_state(page, "conflicts")] == [("Budi Santoso", "refused")]
        assert count_checkins(app, ev) == 1 and count_checkins(app, ev, siti) == 1
        assert _scan_records(app, ev) == {q["scan_id"] for q in queued}  # no extra rows

        # The window closes: the next refresh deletes the names; an offline scan is refused.
        with app.app_context():
            event = db.session.get(Event, ev)
            event.starts_at = utcnow() - timedelta(days=2)
            event.ends_at = event.starts_at + timedelta(hours=3)
            db.session.commit()
            db.session.remove()
        poll_until(page, lambda: (scanner_state(page, "doorList") or {}).get("closed"), what="the list deleted")
        assert page.evaluate(READ_STORE, ENTRIES) == []
        context.set_offline(True)
        late = _type_code(page, urls["Budi Santoso"])
        assert late["result"] == "outside_window" and late["offline"]
        assert scanner_state(page, "queueLength") == 0
        context.close()
        browser.close()
    assert_local(guards)


def test_two_phones_admit_the_same_ticket_offline_and_the_conflict_is_listed(chromium_path, door,
                                                                             tmp_path):
    app, base, data = door
    ev = data["event_id"]
    siti, url = data["ids"]["Siti Aminah"], data["urls"]["Siti Aminah"]
    clip = _clip_after_loading(tmp_path, url)
    guards = {"requests": [], "errors": []}
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p, chromium_path, clip)
        phones = []
        for device in ("Pintu utara", "Pintu selatan"):
            context, page = phone_page(browser, base, guards)
            _open_scanner(page, data, device)
            context.set_offline(True)
            start_camera(page)
            phones.append((context, page))
        for _context, page in phones:
            sync_api.expect(page.locator("#result")).to_have_attribute(
                "data-result", "offline_valid", timeout=30000)
            page.evaluate(STOP_CAMERA)
        assert count_checkins(app, ev) == 0

        (north_ctx, north), (south_ctx, south) = phones
        north_ctx.set_offline(False)
        poll_until(north, lambda: scanner_state(north, "synced") == 1, timeout=30, what="the north door synced")
        assert count_checkins(app, ev, siti) == 1
        south_ctx.set_offline(False)
        poll_until(south, lambda: scanner_state(south, "synced") == 1, timeout=30, what="the south door synced")

        assert scanner_state(north, "conflicts") == []
        conflicts = scanner_state(south, "conflicts")
        assert [c["kind"] for c in conflicts] == ["already"]
        listed = south.locator("#sync-list .sync-item--conflict")
        sync_api.expect(listed).to_have_count(1)
        sync_api.expect(listed).to_contain_text("Siti Aminah")
        sync_api.expect(listed).to_contain_text(
            "Konflik: diterima offline di perangkat ini, tetapi sudah masuk lewat Pintu utara pukul")
        sync_api.expect(south.locator("#sync-results h2")).to_contain_text("1 konflik")
        _shot(south, "offline-conflict.png", close_result=True)
        assert count_checkins(app, ev) == 1 and count_checkins(app, ev, siti) == 1
        assert len(_scan_records(app, ev)) == 2  # each phone's scan answered once
        for context, _phone in phones:
            context.close()
        browser.close()
    assert_local(guards)


def test_logout_deletes_the_door_list_and_keeps_unsynced_scans(chromium_path, door, tmp_path):
    app, base, data = door
    clip = write_y4m(tmp_path / "blank.y4m", [None] * 3)
    guards = {"requests": [], "errors": []}
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p, chromium_path, clip)
        context, page = phone_page(browser, base, guards)
        _open_scanner(page, data, "Pintu utara")
        # The check-in API is unreachable (the rest of the site is not): the scan waits.
        page.route("**/checkins", lambda route: route.abort())
        assert _type_code(page, data["urls"]["Siti Aminah"])["result"] == "offline_valid"
        assert DOORLIST_DB in page.evaluate(DATABASES)
        page.locator("details.menu summary").click()  # the phone's menu holds "Keluar"
        page.locator("details.menu form[action$='/keluar'] button").click()
        page.wait_for_url("**/masuk")
        sync_api.expect(page.locator(".flash")).to_contain_text("Anda sudah keluar")
        poll_until(page, lambda: DOORLIST_DB not in page.evaluate(DATABASES), what="the door list deleted")
        assert [q["label"] for q in page.evaluate(READ_STORE, QUEUE)] == ["Siti Aminah"]
        assert count_checkins(app, data["event_id"]) == 0
        context.close()
        browser.close()
    assert_local(guards)


def test_keluar_offline_needs_a_check_in_and_is_queued(chromium_path, door, tmp_path):
    """Keluar mode (mode.js) offline: not yet in is red and not queued; in, then out, both sync."""
    from events.checkin_models import CheckIn, CheckInMovement
    from events.models import Event
    from extensions import db

    app, base, data = door
    ev, url = data["event_id"], data["urls"]["Siti Aminah"]
    with app.app_context():
        db.session.get(Event, ev).checkout_enabled = True
        db.session.commit()
        db.session.remove()
    guards = {"requests": [], "errors": []}
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p, chromium_path, write_y4m(tmp_path / "blank.y4m", [None] * 3))
        context, page = phone_page(browser, base, guards)
        _open_scanner(page, data, "Pintu utara")
        context.set_offline(True)
        page.locator("#scan-mode button[data-mode=out]").click()
        assert _type_code(page, url)["result"] == "offline_not_in"
        page.locator("#scan-mode button[data-mode=in]").click()
        assert _type_code(page, url)["result"] == "offline_valid"
        page.locator("#scan-mode button[data-mode=out]").click()
        out = _type_code(page, url)
        assert out["result"] == "offline_out" and out["attendee"]["name"] == "Siti Aminah"
        queued = [(q["direction"], q["offline"]) for q in page.evaluate(READ_STORE, QUEUE)]
        assert queued == [("in", "valid"), ("out", "out")]
        context.set_offline(False)
        poll_until(page, lambda: scanner_state(page, "synced") == 2, timeout=30, what="in and out synced")
        assert [r["result"] for r in scanner_state(page, "syncResults")] == ["checked_in", "checked_out"]
        assert scanner_state(page, "conflicts") == []
        with app.app_context():
            moves = list(db.session.scalars(select(CheckInMovement.direction).join(
                CheckIn, CheckIn.id == CheckInMovement.checkin_id).where(CheckIn.event_id == ev)))
            db.session.remove()
        assert count_checkins(app, ev) == 1 and moves == ["out"]
        context.close()
        browser.close()
    assert_local(guards)
