"""Day-before reminders: who is due, one email each with the QR, claims survive overlapping runs,
failed sends are retried, and the CLI says what it did. Database checked, not only output."""
from __future__ import annotations

import io
import smtplib
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from events.cli import remind
from events.models import Registration
from events.services import reminders
from extensions import db
from tests.events.conftest import FakeSMTP
from tests.events.test_checkin_helpers import make_registration
from timeutil import utcnow


@pytest.fixture
def world(app, make_event, make_relawan):
    soon = make_event(title="Sosialisasi Besok", starts_at=utcnow() + timedelta(hours=20))
    later = make_event(title="Sosialisasi Pekan Depan", starts_at=utcnow() + timedelta(days=7))
    rel = make_relawan(status="aktif", full_name="Dewi Lestari")
    ids = {
        "guest": make_registration(app, soon, name="Ani", guest_email="ani@contoh.id")[0],
        "relawan": make_registration(app, soon, relawan=rel)[0],
        "no_email": make_registration(app, soon, name="Budi")[0],
        "waitlisted": make_registration(app, soon, name="Citra", guest_email="citra@contoh.id",
                                        status="waitlisted")[0],
        "cancelled": make_registration(app, soon, name="Dodi", guest_email="dodi@contoh.id",
                                       status="cancelled")[0],
        "later": make_registration(app, later, name="Eka", guest_email="eka@contoh.id")[0],
    }
    with app.app_context():
        from auth.models import User
        from relawan.models import Relawan
        user = db.session.get(User, db.session.get(Relawan, rel.id).user_id)
        user.email = "dewi@contoh.id"
        db.session.commit()
    return ids


def _reminded(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Registration.id)
                                      .where(Registration.reminder_sent_at.isnot(None))))


def test_due_are_confirmed_soon_with_email_and_not_yet_reminded(app, world):
    with app.app_context():
        assert {r.id for r in reminders.due()} == {world["guest"], world["relawan"]}
        assert reminders.count_without_email() == 1  # Budi: panitia use the WhatsApp link


def test_send_once_with_the_qr_and_mark_the_registration(app, world, smtp):
    with app.app_context():
        run = reminders.send_due()
        assert sorted(run.sent) == sorted([world["guest"], world["relawan"]]) and run.failed == []
    assert sorted(m["To"] for m in smtp) == ["ani@contoh.id", "dewi@contoh.id"]
    ani = next(m for m in smtp if m["To"] == "ani@contoh.id")
    assert ani["Subject"] == "Pengingat: Sosialisasi Besok"
    text = ani.get_body(preferencelist=("plain",)).get_content()
    assert "Yth. Ani" in text and "batalkan" in text
    [png] = list(ani.iter_attachments())
    with app.app_context():
        token = db.session.get(Registration, world["guest"]).token
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.get_content())))
    assert [d.text for d in decoded] == [f"http://localhost/t/{token}"]
    assert _reminded(app) == {world["guest"], world["relawan"]}
    with app.app_context():  # a second run (next hour) sends nothing
        assert reminders.send_due().sent == []
    assert len(smtp) == 2


def test_a_registration_claimed_by_an_overlapping_run_is_not_sent_twice(app, world, smtp):
    with app.app_context():
        due = reminders.due()
        db.session.get(Registration, world["guest"]).reminder_sent_at = utcnow()  # other run
        db.session.commit()
        original = reminders.due
        reminders.due = lambda *a, **k: due  # this run read the list before the other claimed
        try:
            run = reminders.send_due()
        finally:
            reminders.due = original
    assert run.sent == [world["relawan"]] and [m["To"] for m in smtp] == ["dewi@contoh.id"]


def test_failed_send_releases_the_claim_for_the_next_run(app, world, smtp, monkeypatch):
    monkeypatch.setattr(FakeSMTP, "send_message", lambda self, msg: (_ for _ in ()).throw(
        smtplib.SMTPServerDisconnected("putus")))
    with app.app_context():
        run = reminders.send_due()
    assert run.sent == [] and sorted(run.failed) == sorted([world["guest"], world["relawan"]])
    assert _reminded(app) == set()


def test_cli_dry_run_sends_nothing_and_without_smtp_refuses(app, world, runner):
    out = runner.invoke(remind, ["--dry-run"])
    assert out.exit_code == 0 and "2 pengingat akan dikirim; 1 peserta tanpa email." in out.output
    assert "Ani" in out.output and "Eka" not in out.output
    out = runner.invoke(remind, [])
    assert out.exit_code != 0 and "MAIL_SERVER" in out.output
    assert _reminded(app) == set()


def test_cli_sends_and_reports(app, world, smtp, runner):
    assert runner.invoke(remind, ["--jam", "0"]).exit_code == 2  # out of range: nothing sent
    assert smtp == []
    out = runner.invoke(remind, ["--jam", "168"])  # a week ahead: Eka too
    assert out.exit_code == 0, out.output
    assert "3 pengingat terkirim, 0 gagal" in out.output
    assert _reminded(app) == {world["guest"], world["relawan"], world["later"]}
    assert len(smtp) == 3
