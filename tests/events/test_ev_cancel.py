"""Who may cancel a registration, and until when (issue 11, item 3): door staff cancelled other
people's registrations with tokens from the door list, and a no-show of an event that had ended
days earlier was cancelled. Now: the holder (the ticket link without an account, or the relawan's
own account), panitia and admin, before the event ends; every cancellation is audited."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from auth.models import AuditEntry
from events.models import Registration
from extensions import db
from tests.conftest import login
from tests.events.test_checkin_helpers import grant, make_registration
from timeutil import utcnow


def _status(app, reg_id: int) -> str:
    with app.app_context():
        return db.session.get(Registration, reg_id).status


def _audits(app, reg_id: int) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "registration_cancel", AuditEntry.target_id == str(reg_id))))


@pytest.mark.parametrize("role", ["relawan", "koordinator"])
def test_door_staff_cannot_cancel_someone_elses_registration(app, make_event, make_user, role):
    event = make_event()
    reg_id, token = make_registration(app, event, name="Siti Aminah")
    door = make_user(role)
    grant(app, event, door)
    client = app.test_client()
    login(client, door)
    resp = client.post(f"/t/{token}/batal")
    assert resp.status_code == 403
    assert "Hanya pemegang tiket, panitia, atau admin" in resp.get_data(as_text=True)
    assert _status(app, reg_id) == "confirmed" and _audits(app, reg_id) == []
    assert "Batalkan pendaftaran" not in client.get(f"/t/{token}").get_data(as_text=True)


def test_another_relawan_cannot_cancel_a_relawans_registration(app, make_event, make_relawan,
                                                                 login_as):
    event = make_event()
    owner = make_relawan("aktif")
    reg_id, token = make_registration(app, event, relawan=owner)
    other = login_as("relawan")
    assert other.post(f"/t/{token}/batal").status_code == 403
    assert _status(app, reg_id) == "confirmed"


def test_anonymous_holder_of_the_ticket_link_cancels_and_it_is_audited(app, client, make_event):
    event = make_event()
    reg_id, token = make_registration(app, event)
    assert "Batalkan pendaftaran" in client.get(f"/t/{token}").get_data(as_text=True)
    resp = client.post(f"/t/{token}/batal", follow_redirects=True)
    assert resp.status_code == 200 and "Pendaftaran dibatalkan" in resp.get_data(as_text=True)
    assert _status(app, reg_id) == "cancelled"
    [entry] = _audits(app, reg_id)
    assert entry.user_id is None and entry.details["by"] == "holder"


def test_relawan_cancels_own_registration_while_logged_in(app, make_event, make_relawan):
    event = make_event()
    owner = make_relawan("aktif")
    reg_id, token = make_registration(app, event, relawan=owner)
    client = app.test_client()
    with app.app_context():
        from auth.models import User
        login(client, db.session.get(User, owner.user_id))
    assert client.post(f"/t/{token}/batal").status_code == 302
    assert _status(app, reg_id) == "cancelled"
    [entry] = _audits(app, reg_id)
    assert entry.user_id == owner.user_id


@pytest.mark.parametrize("role", ["panitia", "admin"])
def test_staff_cancel_and_it_is_audited_with_their_name(app, make_event, login_as, role):
    event = make_event()
    reg_id, token = make_registration(app, event)
    staff = login_as(role)
    assert staff.post(f"/t/{token}/batal").status_code == 302
    assert _status(app, reg_id) == "cancelled"
    [entry] = _audits(app, reg_id)
    assert entry.user_id == staff.user.id and entry.details["by"] == "staff"


@pytest.mark.parametrize("role", [None, "panitia"])
def test_cancelling_after_the_event_ended_is_refused_with_a_message(app, make_event, login_as,
                                                                     role):
    start = utcnow() - timedelta(days=6)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=3))
    reg_id, token = make_registration(app, event)
    client = login_as(role) if role else app.test_client()
    resp = client.post(f"/t/{token}/batal", follow_redirects=True)
    assert resp.status_code == 200
    assert "Kegiatan sudah selesai; pendaftaran tidak dapat dibatalkan lagi." in resp.get_data(as_text=True)
    assert _status(app, reg_id) == "confirmed" and _audits(app, reg_id) == []
