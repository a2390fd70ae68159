"""A CR/LF in an event title never breaks an email or a calendar file (issue 11, item 13 and the
.ics finding): the guest registration answered 500 after its row was committed (the email library
refused the Subject) and a bare CR reached the .ics unescaped. Header values and .ics text pass
through helpers.text.one_line; send_mail never raises."""
from __future__ import annotations

import logging
import smtplib

from sqlalchemy import func, select

from events.models import Event, Registration
from events.services.reminders import send_due
from extensions import db
from helpers.text import one_line

TITLE = "Sosialisasi\r\nBcc: korban@contoh.id\rPencegahan\nKekerasan"


def _poison_title(app, event_id: int) -> None:
    with app.app_context():
        db.session.get(Event, event_id).title = TITLE  # a raw write: forms refuse it
        db.session.commit()


def _register(client, event_id: int):
    return client.post(f"/kegiatan/{event_id}/daftar-tamu", data={
        "name": "Ani", "phone": "081234567890", "email": "ani@contoh.id"})


def test_guest_registration_with_a_crlf_title_succeeds_once_with_a_clean_subject(
        app, client, make_event, smtp):
    ev = make_event(allow_guests=True)
    _poison_title(app, ev.id)
    resp = _register(client, ev.id)
    assert resp.status_code == 302 and "/t/" in resp.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 1
    [msg] = smtp
    assert msg["Subject"] == "Tiket: Sosialisasi Bcc: korban@contoh.id Pencegahan Kekerasan"
    assert msg["Bcc"] is None and msg["To"] == "ani@contoh.id"


def test_a_mail_that_cannot_be_sent_is_logged_not_shown_as_an_error(
        app, client, make_event, smtp, monkeypatch, caplog):
    def refuse(self, msg):
        raise smtplib.SMTPRecipientsRefused({"ani@contoh.id": (550, b"no")})

    monkeypatch.setattr("tests.events.conftest.FakeSMTP.send_message", refuse)
    ev = make_event(allow_guests=True)
    _poison_title(app, ev.id)
    with caplog.at_level(logging.WARNING, logger="events.services.mail"):
        resp = _register(client, ev.id)
    assert resp.status_code == 302
    assert "Email to ani@contoh.id failed" in caplog.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 1
    again = _register(client, ev.id)  # a retry: the row was saved once, no half-saved state
    assert again.status_code == 422


def test_reminder_subject_is_one_line(app, client, make_event, smtp):
    ev = make_event(allow_guests=True)
    _register(client, ev.id)
    _poison_title(app, ev.id)
    smtp.clear()
    with app.app_context():
        run = send_due()
    assert len(run.sent) == 1 and "\r" not in smtp[0]["Subject"] and "\n" not in smtp[0]["Subject"]


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
