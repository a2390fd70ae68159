"""Day-before reminders: who is due, one outbox message each (WhatsApp for a phone, email with the
QR otherwise) queued with the claim in one transaction, claims survive overlapping runs, and the
CLI says what it did. Database checked, then the worker delivers to the fake providers."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from events.cli import remind
from events.models import Registration
from events.services import reminders
from extensions import db
from messaging.models import Message
from messaging.worker import drain
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
        "phone": make_registration(app, soon, name="Fajar", phone="+6281234500001")[0],
        "nobody": make_registration(app, soon, name="Budi")[0],
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
        user.email, user.phone = "dewi@contoh.id", "+6281234500002"
        db.session.commit()
    return ids


def _reminded(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Registration.id)
                                      .where(Registration.reminder_sent_at.isnot(None))))


def _reminders(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return sorted(db.session.execute(select(Message.channel, Message.recipient, Message.cause_id)
                                         .where(Message.template == "reminder")).all())


def test_due_are_confirmed_soon_with_a_phone_or_email_and_not_yet_reminded(app, world):
    with app.app_context():
        assert {r.id for r in reminders.due()} == {world["guest"], world["relawan"], world["phone"]}
        assert reminders.count_unreachable() == 1  # Budi: neither phone nor email


def test_queue_once_in_the_claims_transaction_then_deliver_by_email_and_whatsapp(
        app, world, smtp_server, cloud_api):
    with app.app_context():
        run = reminders.queue_due()
        assert sorted(run.queued) == sorted([world["guest"], world["relawan"], world["phone"]])
        db.session.rollback()  # the stamps and the messages go together or not at all
    assert _reminded(app) == set() and _reminders(app) == []
    with app.app_context():
        reminders.queue_due()
        db.session.commit()
    assert _reminded(app) == {world["guest"], world["relawan"], world["phone"]}
    assert _reminders(app) == sorted([("email", "ani@contoh.id", str(world["guest"])),
                                      ("whatsapp", "+6281234500002", str(world["relawan"])),
                                      ("whatsapp", "+6281234500001", str(world["phone"]))])
    with app.app_context():
        assert len(drain().sent) == 3
    [got] = smtp_server.received  # a relawan's account phone wins over its email: WhatsApp
    assert got["to"] == ["ani@contoh.id"]
    ani = got["message"]
    assert ani["Subject"] == "Pengingat: Sosialisasi Besok"
    text = ani.get_body(preferencelist=("plain",)).get_content()
    assert "Yth. Ani" in text and "batalkan" in text
    [png] = list(ani.iter_attachments())
    with app.app_context():
        token = db.session.get(Registration, world["guest"]).token
        fajar = db.session.get(Registration, world["phone"]).token
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.get_content())))
    assert [d.text for d in decoded] == [f"http://localhost/t/{token}"]
    wa = {r["json"]["to"]: r["json"]["text"]["body"] for r in cloud_api.requests}
    assert set(wa) == {"6281234500001", "6281234500002"} and f"/t/{fajar}" in wa["6281234500001"]
    assert "Yth. Dewi Lestari" in wa["6281234500002"]
    with app.app_context():  # a second run (next hour) queues nothing
        assert reminders.queue_due().queued == []
        db.session.commit()
    assert len(_reminders(app)) == 3


def test_a_registration_claimed_by_an_overlapping_run_is_not_queued_twice(app, world, monkeypatch):
    with app.app_context():
        due = reminders.due()
        for key in ("guest", "phone"):  # the other run claimed these
            db.session.get(Registration, world[key]).reminder_sent_at = utcnow()
        db.session.commit()
        monkeypatch.setattr(reminders, "due", lambda *a, **k: due)  # this run read the list earlier
        run = reminders.queue_due()
        db.session.commit()
    assert run.queued == [world["relawan"]]
    assert [r[1] for r in _reminders(app)] == ["+6281234500002"]


def test_cli_dry_run_queues_nothing(app, world, runner):
    out = runner.invoke(remind, ["--dry-run"])
    assert out.exit_code == 0
    assert "3 pengingat akan diantrekan; 1 peserta tanpa nomor HP dan email." in out.output
    assert "Ani" in out.output and "Eka" not in out.output
    assert _reminded(app) == set() and _reminders(app) == []


def test_cli_queues_and_reports_even_without_a_provider(app, world, runner):
    assert runner.invoke(remind, ["--jam", "0"]).exit_code == 2  # out of range: nothing queued
    assert _reminders(app) == []
    out = runner.invoke(remind, ["--jam", "168"])  # a week ahead: Eka too
    assert out.exit_code == 0, out.output
    assert "4 pengingat masuk antrean pesan" in out.output and "1 peserta tanpa" in out.output
    assert _reminded(app) == {world["guest"], world["relawan"], world["phone"], world["later"]}
    with app.app_context():  # no provider configured: the outbox shows them as not sendable
        assert set(db.session.scalars(select(Message.status))) == {"unsendable"}
