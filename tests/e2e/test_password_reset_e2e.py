"""Lupa kata sandi in a real Chromium (issue 12, item 4), by phone and by email.

The app runs on 127.0.0.1 with CSRF on; the outbox is drained by the test to the local fake
SMTP and WhatsApp Cloud API servers (tests/messaging/fakes.py), and the code or link is read
from what arrived there. Covered: a wrong code, the right code, the reused code, an expired
code, the email link, the reused and the expired link; a second browser context logged in as
the same person is logged out by the reset. No request leaves 127.0.0.1, no page error.
Screenshots (360x740) go to $E2E_SCREENSHOTS (default /tmp/e2e-reset).
"""
from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import FLAGS, live_app
from tests.messaging.fakes import FakeCloudAPI, FakeSMTPServer

sync_api = pytest.importorskip("playwright.sync_api")

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-reset"))
OLD_PASSWORD = "rahasia-lama-e2e-123"
PHONE, PHONE_TYPED, EMAIL = "+6281366667777", "0813-6666-7777", "dewi.lestari@contoh.id"
INVALID = "Kode atau tautan salah, sudah dipakai, atau sudah kedaluwarsa"
LINK_DEAD = "Tautan ini salah, sudah dipakai, atau sudah kedaluwarsa"


@pytest.fixture(scope="module")
def site():
    """The real app on a random 127.0.0.1 port, a temp SQLite DB and the two fake providers."""
    smtp, cloud = FakeSMTPServer().start(), FakeCloudAPI().start()
    config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_USE_TLS": False,
              "MAIL_USERNAME": "", "MAIL_FROM": "no-reply@p2tp2a.test",
              "WHATSAPP_API_BASE": cloud.url, "WHATSAPP_API_VERSION": "v21.0",
              "WHATSAPP_PHONE_NUMBER_ID": "109876543210", "WHATSAPP_TOKEN": "e2e-token"}
    try:
        with live_app("e2e-reset-", **config) as (app, base):
            yield app, base, smtp, cloud
    finally:
        smtp.stop()
        cloud.stop()


@pytest.fixture
def person(site):
    """Dewi, a panitia with a phone number and an email address (fresh per test)."""
    from auth.models import User
    from extensions import db

    app, _base, smtp, cloud = site
    smtp.reset()
    cloud.reset()
    with app.app_context():
        db.session.execute(db.delete(User).where(User.email == EMAIL))
        user = User(name="Dewi Lestari", email=EMAIL, phone=PHONE, role="panitia")
        user.set_password(OLD_PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user.id


def _drain(app):
    from extensions import db
    from messaging import worker

    with app.app_context():
        worker.drain("e2e")
        db.session.remove()


def _latest_code(site) -> str:
    app, _base, _smtp, cloud = site
    _drain(app)
    body = cloud.requests[-1]["json"]
    assert body["to"] == PHONE.lstrip("+")
    return re.search(r"\b(\d{6})\b", body["text"]["body"]).group(1)


def _latest_link(site) -> str:
    app, base, smtp, _cloud = site
    _drain(app)
    mail = smtp.received[-1]
    assert mail["to"] == [EMAIL]
    link = re.search(r"(http://\S+/lupa-kata-sandi/tautan/\S+)", mail["message"].get_content()).group(1)
    assert link.startswith(base)
    return link


def _expire_resets(app):
    from auth.models import PasswordReset
    from extensions import db
    from timeutil import utcnow

    with app.app_context():
        db.session.execute(db.update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def _context(browser, base, guards):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base)
    page = context.new_page()
    page.on("request", lambda r: guards["requests"].append(r.url))
    page.on("pageerror", lambda e: guards["errors"].append(str(e)))
    return context, page


def _submit(page):
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def _login(page, identifier, password):
    page.goto("/masuk")
    page.fill("input[name=identifier]", identifier)
    page.fill("input[name=password]", password)
    _submit(page)


def _ask_for_reset(page, identifier):
    page.goto("/masuk")
    page.click("text=Lupa kata sandi?")
    page.fill("input[name=identifier]", identifier)
    _submit(page)


def _type_code(page, code, password):
    page.fill("input[name=code]", code)
    page.fill("input[name=new]", password)
    page.fill("input[name=confirm]", password)
    _submit(page)


def _logged_in(page) -> bool:
    page.goto("/akun/kata-sandi")
    return urlsplit(page.url).path == "/akun/kata-sandi"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _check_guards(guards):
    assert guards["errors"] == []
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in guards["requests"]), guards["requests"]


def test_reset_by_phone_with_wrong_reused_and_expired_codes(site, person, chromium_path):
    app, base, _smtp, _cloud = site
    guards = {"requests": [], "errors": []}
    expect = sync_api.expect
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=FLAGS)
        _ctx_other, other = _context(browser, base, guards)  # Dewi's other phone, logged in
        _login(other, EMAIL, OLD_PASSWORD)
        assert _logged_in(other)

        _ctx, page = _context(browser, base, guards)
        _ask_for_reset(page, PHONE_TYPED)
        assert urlsplit(page.url).path == "/lupa-kata-sandi/kode"
        expect(page.locator(".flash-info")).to_contain_text("kode 6 angka sudah dikirim lewat WhatsApp")
        expect(page.locator("input[name=identifier]")).to_have_value(PHONE_TYPED)
        code = _latest_code(site)
        wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
        _type_code(page, wrong, "kapal-layar-senja-77")
        expect(page.locator("[role=alert]")).to_contain_text(INVALID)
        _shot(page, "phone-wrong-code")
        _type_code(page, code, "kapal-layar-senja-77")
        expect(page.locator(".flash-success")).to_contain_text("Kata sandi baru tersimpan")
        _shot(page, "phone-done")
        assert _logged_in(page)
        assert not _logged_in(other)  # the other session ended with the reset
        assert urlsplit(other.url).path == "/masuk"

        _ctx3, third = _context(browser, base, guards)
        third.goto("/lupa-kata-sandi/kode")
        third.fill("input[name=identifier]", PHONE_TYPED)
        _type_code(third, code, "perahu-kertas-biru-42")  # the used code
        expect(third.locator("[role=alert]")).to_contain_text(INVALID)
        _shot(third, "phone-reused-code")

        _ask_for_reset(third, PHONE_TYPED)
        fresh = _latest_code(site)
        _expire_resets(app)
        _type_code(third, fresh, "perahu-kertas-biru-42")  # 15 minutes have passed
        expect(third.locator("[role=alert]")).to_contain_text(INVALID)
        _shot(third, "phone-expired-code")
        _login(third, EMAIL, "kapal-layar-senja-77")
        assert _logged_in(third)
        browser.close()
    _check_guards(guards)


def test_reset_by_email_link_then_reused_and_expired_links(site, person, chromium_path):
    app, base, _smtp, _cloud = site
    guards = {"requests": [], "errors": []}
    expect = sync_api.expect
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=FLAGS)
        _ctx_other, other = _context(browser, base, guards)
        _login(other, PHONE_TYPED, OLD_PASSWORD)
        assert _logged_in(other)

        _ctx, page = _context(browser, base, guards)
        _ask_for_reset(page, EMAIL)
        expect(page.locator(".flash-info")).to_contain_text("tautan untuk memilih kata sandi baru")
        link = _latest_link(site)
        page.goto(link)
        page.fill("input[name=new]", "kapal-layar-senja-77")
        page.fill("input[name=confirm]", "kapal-layar-senja-77")
        _submit(page)
        expect(page.locator(".flash-success")).to_contain_text("Kata sandi baru tersimpan")
        _shot(page, "email-done")
        assert _logged_in(page)
        assert not _logged_in(other)

        _ctx3, third = _context(browser, base, guards)
        third.goto(link)  # the used link
        expect(third.locator("[role=alert]")).to_contain_text(LINK_DEAD)
        _shot(third, "email-reused-link")
        _ask_for_reset(third, EMAIL)
        fresh = _latest_link(site)
        _expire_resets(app)
        third.goto(fresh)
        expect(third.locator("[role=alert]")).to_contain_text(LINK_DEAD)
        _shot(third, "email-expired-link")
        browser.close()
    _check_guards(guards)
