"""Self check-in by the projector's rotating QR (issue 13.4): the code, the pages, who may, undo."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from auth.models import AuditEntry, User
from events.checkin import selfcode
from events.checkin_models import CheckIn, ScanRecord
from events.models import Event, Registration, RegistrationStatus
from extensions import db
from helpers import qr
from tests.conftest import login
from timeutil import utcnow

FROZEN = utcnow().replace(microsecond=0)


@pytest.fixture
def event(make_event):
    """An event starting within the hour: its check-in window is open now."""
    return make_event(title="Sosialisasi Aula PKPRI", starts_at=utcnow().replace(microsecond=0)
                      + timedelta(minutes=30))


def _register(app, event, relawan, status=RegistrationStatus.CONFIRMED) -> int:
    with app.app_context():
        reg = Registration(event_id=event.id, relawan_id=relawan.id, status=status, source="self",
                           token=secrets.token_urlsafe(18), created_at=utcnow())
        db.session.add(reg)
        db.session.commit()
        return reg.id


def _relawan_client(app, relawan):
    with app.app_context():
        user = db.session.get(User, relawan.user_id)
    client = login(app.test_client(), user)
    client.user = user
    return client


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _current_code(app, event_id: int, slots_ago: int = 0) -> str:
    with app.app_context():
        return selfcode.code_for(event_id, selfcode.slot_of(utcnow()) - slots_ago)


def _form(html: str) -> dict:
    return {name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
            for name in ("slot", "confirmation")}


# ------------------------------------------------------------------------- the rotating code
def test_code_is_accepted_in_its_slot_and_the_next_only(ctx):
    slot = selfcode.slot_of(FROZEN)
    code = selfcode.code_for(7, slot)
    start = FROZEN - timedelta(seconds=(FROZEN - selfcode._EPOCH).total_seconds() % selfcode.SLOT_SECONDS)
    assert selfcode.verify(7, code, start)
    assert selfcode.verify(7, code, start + timedelta(seconds=19.9))
    assert selfcode.verify(7, code, start + timedelta(seconds=20))  # the next slot
    assert selfcode.verify(7, code, start + timedelta(seconds=39.9))
    assert not selfcode.verify(7, code, start + timedelta(seconds=40))  # two slots later
    assert not selfcode.verify(7, code, start - timedelta(seconds=1))  # not before its slot
    assert not selfcode.verify(8, code, start)  # another event's code
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert not selfcode.verify(7, "", start) and not selfcode.verify(7, tampered, start)


def test_code_is_url_safe_changes_every_slot_and_depends_on_the_secret(app, ctx):
    slot = selfcode.slot_of(FROZEN)
    codes = {selfcode.code_for(7, s) for s in range(slot, slot + 50)}
    assert len(codes) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16}", c) for c in codes)
    assert selfcode.url_for_slot(7, slot).endswith(f"/hadir/7/{selfcode.code_for(7, slot)}")
    before = selfcode.code_for(7, slot)
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-secret"
    try:
        assert selfcode.code_for(7, slot) != before
    finally:
        app.config["SECRET_KEY"] = old


def test_confirmation_expires_and_belongs_to_one_account(app, event, make_relawan):
    rel = make_relawan(status="aktif")
    _register(app, event, rel)
    with app.app_context():
        user = db.session.get(User, rel.user_id)
        ev = db.session.get(Event, event.id)
        slot = selfcode.slot_of(FROZEN)
        token = selfcode.confirmation_for(ev.id, user.id, slot)
        late = FROZEN + timedelta(seconds=selfcode.SLOT_SECONDS * (selfcode.CONFIRM_SLOTS + 1))
        with pytest.raises(selfcode.CodeExpired):
            selfcode.check_in_self(ev, user, slot=slot, confirmation=token, now=late)
        other = selfcode.confirmation_for(ev.id, user.id + 1, slot)
        with pytest.raises(selfcode.CodeExpired):
            selfcode.check_in_self(ev, user, slot=slot, confirmation=other, now=FROZEN)
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


# ------------------------------------------------------------------------- the pages
def test_get_shows_saya_hadir_and_writes_nothing_post_checks_in_once(app, event, make_relawan):
    rel = make_relawan(status="aktif", full_name="Siti Aminah")
    reg_id = _register(app, event, rel)
    phone = _relawan_client(app, rel)
    url = f"/hadir/{event.id}/{_current_code(app, event.id)}"
    page = phone.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Saya hadir" in html and "Siti Aminah" in html
    assert _count(app, CheckIn) == 0 and _count(app, ScanRecord) == 0
    done = phone.post(url, data=_form(html))
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "Anda tercatat hadir" in text and "flash-success" in text
    with app.app_context():
        rows = db.session.scalars(select(CheckIn)).all()
        assert [(r.registration_id, r.method, r.by_user_id) for r in rows] == [(reg_id, "self", phone.user.id)]
    again = phone.post(url, data=_form(html))
    assert again.status_code == 200 and "sudah" in again.get_data(as_text=True)
    assert _count(app, CheckIn) == 1
    assert "sudah tercatat hadir" in phone.get(url).get_data(as_text=True)


def test_code_two_slots_old_or_of_another_event_is_refused(app, event, make_event, make_relawan):
    rel = make_relawan(status="aktif")
    _register(app, event, rel)
    other = make_event()
    phone = _relawan_client(app, rel)
    stale = _current_code(app, event.id, slots_ago=2)
    for url in (f"/hadir/{event.id}/{stale}", f"/hadir/{event.id}/{_current_code(app, other.id)}",
                f"/hadir/{event.id}/bukan-kode"):
        resp = phone.get(url)
        assert resp.status_code == 400 and "kedaluwarsa" in resp.get_data(as_text=True)
        post = phone.post(url, data={"slot": "1", "confirmation": "x"})
        assert post.status_code == 400
    assert _count(app, CheckIn) == 0 and _count(app, ScanRecord) == 0


@pytest.mark.parametrize("status, needle", [(None, "tidak terdaftar"),
                                            (RegistrationStatus.WAITLISTED, "daftar tunggu"),
                                            (RegistrationStatus.CANCELLED, "dibatalkan")])
def test_person_without_a_seat_is_refused_and_nothing_is_written(app, event, make_relawan, status, needle):
    rel = make_relawan(status="aktif")
    if status is not None:
        _register(app, event, rel, status=status)
    phone = _relawan_client(app, rel)
    url = f"/hadir/{event.id}/{_current_code(app, event.id)}"
    resp = phone.get(url)
    assert resp.status_code == 403 and needle in resp.get_data(as_text=True)
    with app.app_context():
        slot = selfcode.slot_of(utcnow())
        form = {"slot": slot, "confirmation": selfcode.confirmation_for(event.id, phone.user.id, slot)}
    post = phone.post(url, data=form)
    assert post.status_code == 403 and needle in post.get_data(as_text=True)
    assert _count(app, CheckIn) == 0 and _count(app, ScanRecord) == 0


def test_staff_account_without_relawan_record_is_refused(app, event, login_as):
    resp = login_as("panitia").get(f"/hadir/{event.id}/{_current_code(app, event.id)}")
    assert resp.status_code == 403 and "tidak terhubung dengan data relawan" in resp.get_data(as_text=True)


def test_anonymous_visitor_is_sent_to_login_and_back(app, event, client):
    url = f"/hadir/{event.id}/{_current_code(app, event.id)}"
    resp = client.get(url)
    assert resp.status_code == 302 and "/masuk" in resp.location and "next=" in resp.location
    assert _count(app, CheckIn) == 0


def test_projector_shows_the_current_qr_for_panitia_only(app, event, login_as, make_relawan):
    panitia = login_as("panitia")
    page = panitia.get(f"/kelola/kegiatan/{event.id}/proyektor")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sosialisasi Aula PKPRI" in html
    assert "js/projector.js" in html and 'data-qr-url="' in html
    assert "<script>" not in html and 'style="' not in html
    svg = panitia.get(f"/kelola/kegiatan/{event.id}/proyektor/kode.svg")
    assert svg.mimetype == "image/svg+xml" and svg.headers["Cache-Control"] == "no-store"
    assert 0 < float(svg.headers["X-Refresh-In"]) <= selfcode.SLOT_SECONDS
    with app.app_context():
        slot = selfcode.slot_of(utcnow())
        expected = {qr.svg(selfcode.url_for_slot(event.id, s), title="Kode QR check-in mandiri")
                    for s in (slot, slot - 1)}
    assert svg.get_data(as_text=True) in expected
    phone = _relawan_client(app, make_relawan(status="aktif"))
    assert phone.get(f"/kelola/kegiatan/{event.id}/proyektor").status_code == 403
    assert phone.get(f"/kelola/kegiatan/{event.id}/proyektor/kode.svg").status_code == 403


def test_registrant_list_labels_self_check_in_and_panitia_can_undo_it(app, event, make_relawan, login_as):
    rel = make_relawan(status="aktif", full_name="Rina Mandiri")
    _register(app, event, rel)
    phone = _relawan_client(app, rel)
    url = f"/hadir/{event.id}/{_current_code(app, event.id)}"
    assert phone.post(url, data=_form(phone.get(url).get_data(as_text=True))).status_code == 200
    panitia = login_as("panitia")
    html = panitia.get(f"/kelola/kegiatan/{event.id}/peserta").get_data(as_text=True)
    assert "Rina Mandiri" in html and "hadir · Mandiri" in html
    with app.app_context():
        checkin_id = db.session.scalar(select(CheckIn.id))
    assert f"/pindai/check-in/{checkin_id}/batal" in html
    resp = panitia.post(f"/pindai/check-in/{checkin_id}/batal")
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(CheckIn, checkin_id) is None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin_undo"))
        assert entry.details["method"] == "self"
    assert "hadir · Mandiri" not in panitia.get(f"/kelola/kegiatan/{event.id}/peserta").get_data(as_text=True)
