"""What the door scanner's browser tests share: a panitia at an event running now, Chromium with
the fake camera, a 360x740 phone page that records every request and page error, the login, the
camera start, the page's window.__scannerState, and the database's check-in count."""
from __future__ import annotations

import contextlib
import time
from datetime import timedelta

from sqlalchemy import func, select

from tests.e2e.conftest import FLAGS

PASSWORD = "rahasia-e2e-123"


def panitia_at_running_event(title: str, email_prefix: str = "pintu", **event_kw):
    """A panitia (password PASSWORD) and a published sosialisasi that started 30 minutes ago and
    ends in 3 hours, both added and flushed (call inside an app context): (user, event)."""
    from auth.models import User
    from events.models import Event
    from extensions import db
    from timeutil import utcnow

    user = User(name="Panitia Pintu", email=f"{email_prefix}-{title.rsplit(' ', 1)[-1]}@contoh.id",
                role="panitia")
    user.set_password(PASSWORD)
    now = utcnow()
    event = Event(kind="sosialisasi", title=title, venue_name="Aula PKPRI", status="published",
                  starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=3), **event_kw)
    db.session.add_all([user, event])
    db.session.flush()
    return user, event


def count_checkins(app, event_id, registration_id=None) -> int:
    from events.checkin_models import CheckIn
    from extensions import db

    with app.app_context():
        query = select(func.count(CheckIn.id)).where(CheckIn.event_id == event_id)
        if registration_id is not None:
            query = query.where(CheckIn.registration_id == registration_id)
        n = db.session.scalar(query)
        db.session.remove()
        return n


def launch_chromium(p, chromium, clip):
    """Headless Chromium whose camera shows the y4m `clip` (tests/e2e/fakecam.py)."""
    return p.chromium.launch(executable_path=chromium, headless=True,
                             args=FLAGS + [f"--use-file-for-fake-video-capture={clip}"])


def phone_page(browser, base, guards):
    """A 360x740 context and page; every request URL and page error goes into `guards`."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base)
    page = context.new_page()
    page.on("request", lambda r: guards["requests"].append(r.url))
    page.on("pageerror", lambda e: guards["errors"].append(str(e)))
    return context, page


def log_in(page, email):
    page.goto("/masuk")
    page.fill("input[name=identifier]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_load_state()


def start_camera(page):
    """The page starts the camera itself when permission is already granted; else tap the button."""
    from playwright.sync_api import Error

    deadline = time.time() + 5
    while time.time() < deadline and scanner_state(page, "camera") != "on":
        button = page.locator("#start-camera")
        if button.is_visible() and button.is_enabled():
            with contextlib.suppress(Error):
                button.click(timeout=1000)
        page.wait_for_timeout(200)


def scanner_state(page, key):
    return page.evaluate("(k) => (window.__scannerState || {})[k]", key)


def poll_until(page, predicate, timeout=20.0, what=""):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        page.wait_for_timeout(150)
    raise AssertionError(f"timed out waiting for {what}: state={page.evaluate('() => window.__scannerState')}")


def assert_local(guards):
    """No request left 127.0.0.1 and the page raised no error."""
    outside = [u for u in guards["requests"]
               if not u.startswith(("http://127.0.0.1:", "data:", "blob:"))]
    assert outside == [], outside
    assert guards["errors"] == [], guards["errors"]
