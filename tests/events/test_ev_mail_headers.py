"""A CR/LF in an event title never breaks an email or a calendar file (issue 11, item 13 and the
.ics finding): the guest registration answered 500 after its row was committed (the email library
refused the Subject) and a bare CR reached the .ics unescaped. Message subjects are rendered to
one line by messaging.texts.render (the outbox row already holds the clean subject); .ics text
passes through helpers.text.one_line."""
from __future__ import annotations

from sqlalchemy import func, select

from events.models import Event, Registration
from events.services.reminders import queue_due
from extensions import db
from helpers.text import one_line
from messaging.models import Message
from messaging.worker import drain

TITLE = "Sosialisasi\r\nBcc: korban@contoh.id\rPencegahan\nKekerasan"
CLEAN = "Sosialisasi Bcc: korban@contoh.id Pencegahan Kekerasan"


def _poison_title(app, event_id: int) -> None:
    with app.app_context():
        db.session.get(Event, event_id).title = TITLE  # a raw write: forms refuse it
        db.session.commit()


def _register(client, event_id: int):
    return client.post(f"/kegiatan/{event_id}/daftar-tamu", data={
        "name": "Ani", "phone": "081234567890", "email": "ani@contoh.id"})


def test_guest_registration_with_a_crlf_title_succeeds_once_with_a_clean_subject(
        app, client, make_event, smtp_server):
    ev = make_event(allow_guests=True)
    _poison_title(app, ev.id)
    resp = _register(client, ev.id)
    assert resp.status_code == 302 and "/t/" in resp.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 1
        assert db.session.scalars(select(Message.subject)).one() == f"Tiket: {CLEAN}"
        drain()
    [got] = smtp_server.received
    msg = got["message"]
    assert msg["Subject"] == f"Tiket: {CLEAN}"
    assert msg["Bcc"] is None and got["to"] == ["ani@contoh.id"]


def test_a_mail_the_server_refuses_is_recorded_on_the_message_not_shown_as_an_error(
        app, client, make_event, smtp_server):
    smtp_server.handler.reply = "550 no such user"
    ev = make_event(allow_guests=True)
    _poison_title(app, ev.id)
    assert _register(client, ev.id).status_code == 302
    with app.app_context():
        assert len(drain().failed) == 1
        assert "550" in db.session.scalars(select(Message.last_error)).one()
        assert db.session.scalar(select(func.count(Registration.id))) == 1
    again = _register(client, ev.id)  # a retry: the row was saved once, no half-saved state
    assert again.status_code == 422


def test_reminder_subject_is_one_line(app, client, make_event, smtp_server):
    ev = make_event(allow_guests=True)
    _register(client, ev.id)
    _poison_title(app, ev.id)
    with app.app_context():
        drain()
        smtp_server.received.clear()
        run = queue_due()
        db.session.commit()
        drain()
    subject = smtp_server.received[0]["message"]["Subject"]
    assert len(run.queued) == 1 and subject == f"Pengingat: {CLEAN}"


def test_ics_has_no_bare_cr_and_every_line_ends_with_crlf(app, client, make_event):
    ev = make_event(description="Baris satu\rbaris dua\r\nbaris tiga\nempat")
    _poison_title(app, ev.id)
    body = client.get(f"/kegiatan/{ev.id}.ics").get_data(as_text=True)
    assert body.endswith("\r\n")
    lines = body.split("\r\n")[:-1]
    assert all("\r" not in line and "\n" not in line for line in lines)
    summary = "".join(ln[1:] if ln.startswith(" ") else "\n" + ln for ln in lines).split("\n")
    assert "SUMMARY:Sosialisasi\\nBcc: korban@contoh.id\\nPencegahan\\nKekerasan" in summary
    assert not any(line.startswith("Bcc") for line in summary)


def test_one_line():
    assert one_line("a\r\nb\rc\nd\te\x00f") == "a b c d e f"
    assert one_line(None) == ""
