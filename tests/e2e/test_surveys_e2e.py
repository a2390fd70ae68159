"""A guest answers the pre-test and the post-test on a 360 px phone from the projector QR (issue 15.2).

Panitia show the round's QR on a 1280x800 laptop (/kelola/kegiatan/<id>/kuesioner/<q>/pre/layar).
The guest's phone uses its ordinary camera app, so the test photographs the QR (a screenshot),
decodes it with zxing-cpp and opens the URL in the guest's 360x740 phone context: no account,
so the page asks for the phone number and the 6-character code under the QR of their ticket
(read from the guest's own ticket page). They answer, see their score; panitia close the
pre-test, open the post-test through the page's buttons, and the guest answers again from the new
QR. The results page shows both average scores. No request leaves 127.0.0.1, no page error.
Screenshots go to $E2E_SCREENSHOTS (default /tmp/e2e-surveys).
"""
from __future__ import annotations

import io
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import FLAGS, live_app

sync_api = pytest.importorskip("playwright.sync_api")
zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-surveys"))
PASSWORD = "rahasia-e2e-kuesioner-1"


@pytest.fixture(scope="module")
def site():
    """The real app on a random 127.0.0.1 port (CSRF on) with a temp SQLite database."""
    with live_app("e2e-surveys-") as served:
        yield served


@pytest.fixture
def world(site):
    """Panitia Dewi; guest Ibu Rahma with a confirmed ticket; a two-question test, pre-test open."""
    from auth.models import User
    from events.models import Event, Registration
    from extensions import db
    from surveys.models import Question, Questionnaire, QuestionOption, SurveyRound
    from timeutil import utcnow

    app, _base = site
    with app.app_context():
        panitia = User(name="Dewi Panitia", email="dewi.panitia@contoh.id", role="panitia")
        panitia.set_password(PASSWORD)
        start = utcnow().replace(microsecond=0) - timedelta(minutes=30)
        event = Event(kind="sosialisasi", title="Sosialisasi Aula PKPRI", venue_name="Aula PKPRI",
                      starts_at=start, ends_at=start + timedelta(hours=3), status="published",
                      allow_guests=True)
        db.session.add_all([panitia, event])
        db.session.flush()
        reg = Registration(event_id=event.id, guest_name="Ibu Rahma", guest_phone="+6281277778888",
                           source="guest", status="confirmed", token=secrets.token_urlsafe(18))
        questions = [Question(kind="quiz", text=text, position=i, options=[
            QuestionOption(text=right, position=1, is_correct=True), QuestionOption(text=wrong, position=2)])
            for i, (text, right, wrong) in enumerate([
                ("Ke mana melapor kekerasan terhadap anak?", "P2TP2A atau Unit PPA", "Didiamkan saja"),
                ("Apakah KDRT urusan pribadi?", "Bukan, KDRT tindak pidana", "Ya, urusan keluarga")], start=1)]
        test = Questionnaire(kind="test", title="Tes pengetahuan", event_id=event.id, questions=questions,
                             rounds=[SurveyRound(name="pre", status="open"), SurveyRound(name="post")])
        db.session.add_all([reg, test])
        db.session.commit()
        return {"event_id": event.id, "test_id": test.id, "token": reg.token, "reg_id": reg.id}


def _context(browser, base, guards, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base)
    page = context.new_page()
    page.on("request", lambda r: guards["requests"].append(r.url))
    page.on("pageerror", lambda e: guards["errors"].append(str(e)))
    return page


def _decode(png: bytes) -> str:
    image = Image.open(io.BytesIO(png)).convert("L")
    results = zxingcpp.read_barcodes(image)
    assert results, "no QR code found in the projector screenshot"
    return results[0].text


def _projector_url(laptop, world, round_name, base) -> str:
    laptop.goto(f"/kelola/kegiatan/{world['event_id']}/kuesioner/{world['test_id']}/{round_name}/layar")
    qr = laptop.locator(".projector-qr svg")
    sync_api.expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["height"] >= 400 and box["y"] + box["height"] <= 800  # big, and fits the screen
    laptop.screenshot(path=str(SHOTS / f"projector-{round_name}-1280x800.png"))
    url = _decode(qr.screenshot())
    assert url == f"{base}/kuesioner/{world['test_id']}/{round_name}"
    return url


def _answer_on_phone(phone, url, code, choices, round_name):
    phone.goto(url)  # what the camera app opens: a guest, no account
    phone.fill("input[name=phone]", "0812-7777-8888")
    phone.fill("input[name=code]", code)
    phone.screenshot(path=str(SHOTS / f"phone-{round_name}-code-360x740.png"))
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state()
    assert "Ibu Rahma" in phone.locator("main").inner_text()
    for text in choices:
        phone.get_by_label(text).check()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    phone.screenshot(path=str(SHOTS / f"phone-{round_name}-form-360x740.png"), full_page=True)
    phone.click("text=Kirim jawaban")
    phone.wait_for_load_state()


def test_guest_answers_pre_and_post_test_from_the_projector_qr(site, world, chromium_path):
    from sqlalchemy import select

    from extensions import db
    from surveys.models import SurveyResponse

    app, base = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    guards = {"requests": [], "errors": []}
    expect = sync_api.expect
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=FLAGS)
        laptop = _context(browser, base, guards, 1280, 800)
        laptop.goto("/masuk")
        laptop.fill("input[name=identifier]", "dewi.panitia@contoh.id")
        laptop.fill("input[name=password]", PASSWORD)
        laptop.click("main form button[type=submit]")
        laptop.wait_for_load_state()

        phone = _context(browser, base, guards, 360, 740)
        phone.goto(f"/t/{world['token']}")  # the guest looks at the code under their ticket's QR
        code = phone.locator(".ticket-code").inner_text().split(":")[1].strip().rstrip("…")
        assert len(code) == 6

        url = _projector_url(laptop, world, "pre", base)
        _answer_on_phone(phone, url, code, ["P2TP2A atau Unit PPA", "Ya, urusan keluarga"], "pre")
        expect(phone.locator("main")).to_contain_text("Jawaban benar: 1 dari 2")
        phone.screenshot(path=str(SHOTS / "phone-pre-done-360x740.png"))

        laptop.goto(f"/kelola/kegiatan/{world['event_id']}/kuesioner/{world['test_id']}")
        laptop.click("text=Tutup Pre-test")
        laptop.click("text=Buka Post-test")
        expect(laptop.locator("main")).to_contain_text("Post-test dibuka")
        url = _projector_url(laptop, world, "post", base)
        _answer_on_phone(phone, url, code.upper(), ["P2TP2A atau Unit PPA", "Bukan, KDRT tindak pidana"], "post")
        expect(phone.locator("main")).to_contain_text("Jawaban benar: 2 dari 2")

        phone.goto(url)  # the pre-test is closed now; answering the post-test twice is refused
        phone.goto(f"/t/{world['token']}")
        expect(phone.locator(".ticket-surveys")).to_contain_text("Post-test: sudah diisi")

        laptop.goto(f"/kelola/kegiatan/{world['event_id']}/kuesioner/{world['test_id']}/hasil")
        expect(laptop.locator('tr[data-round="pre"] [data-average]')).to_have_text("50,0")
        expect(laptop.locator('tr[data-round="post"] [data-average]')).to_have_text("100,0")
        expect(laptop.locator('tr[data-round="gain"] [data-average]')).to_have_text("50,0")
        laptop.screenshot(path=str(SHOTS / "results-1280x800.png"), full_page=True)
        browser.close()
    with app.app_context():
        rows = db.session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)).all()
        assert [(r.registration_id, r.score) for r in rows] == [(world["reg_id"], 1), (world["reg_id"], 2)]
    assert guards["errors"] == []
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in guards["requests"]), guards["requests"]
