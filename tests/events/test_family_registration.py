"""Family and group registration (issue 15.1): companions are registrations of their own, seated,
waitlisted and promoted as one unit; the lead's ticket checks the group in; counts by age group."""
from __future__ import annotations

import io
import json

from pypdf import PdfReader
from sqlalchemy import func, select

from auth.models import User
from events.checkin_models import CheckIn
from events.models import Event, Registration
from events.services import registration as svc
from events.services.companions import Companion
from extensions import db
from relawan.models import Relawan
from reports.age_groups import age_group_counts
from tests.conftest import login
from tests.events.test_checkin_helpers import make_event  # noqa: F401  (window open now)

FAMILY = {"companion-0-name": "Anak Pertama", "companion-0-relation": "anak",
          "companion-0-age_group": "anak",
          "companion-1-name": "Anak Kedua", "companion-1-relation": "anak",
          "companion-1-age_group": "balita"}
GUEST = {"name": "Ibu Siti", "phone": "0812-3456-7890", **FAMILY}


def _rows(event_id):
    return db.session.scalars(select(Registration).where(Registration.event_id == event_id)
                              .order_by(Registration.id)).all()


def test_guest_family_takes_three_seats_each_with_its_own_ticket(app, client, make_event):
    event = make_event(allow_guests=True, capacity=10)
    resp = client.post(f"/kegiatan/{event.id}/daftar-tamu", data=GUEST)
    assert resp.status_code == 302
    with app.app_context():
        lead, *kids = _rows(event.id)
        assert db.session.get(Event, event.id).seats_taken == 3
        assert [k.guest_name for k in kids] == ["Anak Pertama", "Anak Kedua"]
        assert {k.lead_registration_id for k in kids} == {lead.id}
        assert [k.age_group for k in kids] == ["anak", "balita"]
        assert {r.status for r in (lead, *kids)} == {"confirmed"}
        assert len({r.token for r in (lead, *kids)}) == 3
        tokens = [k.token for k in kids]
    for token in tokens:  # each companion's ticket opens on its own and is linked from the lead's
        assert client.get(f"/t/{token}").status_code == 200
    assert f"/t/{tokens[1]}" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_family_is_waitlisted_as_a_unit_when_only_two_seats_remain(app, client, make_event):
    event = make_event(allow_guests=True, capacity=2)
    resp = client.post(f"/kegiatan/{event.id}/daftar-tamu", data=GUEST, follow_redirects=True)
    assert "daftar tunggu" in resp.get_data(as_text=True)
    with app.app_context():
        assert [r.status for r in _rows(event.id)] == ["waitlisted"] * 3
        assert db.session.get(Event, event.id).seats_taken == 0


def test_freed_seats_promote_the_family_only_when_all_fit(app, ctx, make_event):
    event = db.session.get(Event, make_event(allow_guests=True, capacity=3).id)
    first = svc.register_guest(event, name="Pak Budi", instansi=None, jabatan=None,
                               phone="+6281200000001",
                               companions=[Companion("Bu Budi", "pasangan", "dewasa")])
    alone = svc.register_guest(event, name="Ani", instansi=None, jabatan=None, phone="+6281200000002")
    family = svc.register_guest(event, name="Ibu Siti", instansi=None, jabatan=None,
                                phone="+6281200000003",
                                companions=[Companion("Anak", "anak", "anak")])
    db.session.commit()
    assert (first.status, alone.status, family.status) == ("confirmed", "confirmed", "waitlisted")
    assert svc.waitlist_position(family) == 1
    assert svc.cancel_registration(alone) == []  # one seat free, the family needs two
    db.session.commit()
    assert family.status == "waitlisted"
    promoted = svc.cancel_registration(first)  # the lead cancels its companion with it
    db.session.commit()
    assert promoted == [family]
    assert [r.status for r in family.companions] == ["confirmed"]
    assert [r.status for r in first.companions] == ["cancelled"]
    assert db.session.get(Event, event.id).seats_taken == 2


def test_bad_companion_row_is_refused_and_saves_nothing(app, client, make_event):
    event = make_event(allow_guests=True)
    data = {**GUEST, "companion-1-age_group": "kakek"}
    resp = client.post(f"/kegiatan/{event.id}/daftar-tamu", data=data)
    assert resp.status_code == 422
    assert "Pendamping 2: pilih kelompok usia." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
        assert db.session.get(Event, event.id).seats_taken == 0


def test_lead_ticket_checks_in_the_whole_group_with_one_confirmation(app, client, login_as, make_event):
    event = make_event(allow_guests=True)
    client.post(f"/kegiatan/{event.id}/daftar-tamu", data=GUEST)
    with app.app_context():
        lead = _rows(event.id)[0]
        token = lead.token
    panitia = login_as("panitia")
    page = panitia.get(f"/t/{token}").get_data(as_text=True)
    assert "Check-in seluruh rombongan (3 orang)" in page and "Anak Kedua (Balita)" in page
    resp = panitia.post(f"/t/{token}/check-in-rombongan")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and html.count("flash-success") == 3
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 3
        assert {c.method for c in db.session.scalars(select(CheckIn))} == {"manual"}
    again = panitia.post(f"/t/{token}/check-in-rombongan").get_data(as_text=True)
    assert again.count("flash-warning") == 3  # already checked in, nothing new
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 3
        kid_token = _rows(event.id)[1].token
    assert panitia.post(f"/t/{kid_token}/check-in-rombongan").status_code == 404
    assert login_as("relawan").post(f"/t/{token}/check-in-rombongan").status_code == 403


def test_report_and_daftar_hadir_count_adults_and_children_by_age_group(app, client, login_as, make_event):
    event = make_event(allow_guests=True)
    client.post(f"/kegiatan/{event.id}/daftar-tamu", data=GUEST)
    with app.app_context():
        assert age_group_counts(event.id)["registered"] == {"dewasa": 1, "remaja": 0, "anak": 1, "balita": 1}
        token = _rows(event.id)[0].token
    panitia = login_as("panitia")
    panitia.post(f"/t/{token}/check-in-rombongan")
    html = panitia.get(f"/laporan/kegiatan/{event.id}").get_data(as_text=True)
    assert "Dewasa: 1, Remaja 13-17: 0, Anak 6-12: 1, Balita: 1" in html
    pdf = panitia.get(f"/laporan/kegiatan/{event.id}/daftar-hadir.pdf?versi=terisi")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Dewasa: 1, Remaja 13-17: 0, Anak 6-12: 1, Balita: 1" in " ".join(text.split())


def test_relawan_family_in_own_export_and_erased_by_anonymisation(app, make_event, make_relawan, login_as):
    rel = make_relawan(status="aktif")
    event = make_event(capacity=5)
    c = app.test_client()
    with app.app_context():
        login(c, db.session.get(User, rel.user_id))
    assert c.post(f"/kegiatan/{event.id}/daftar", data=FAMILY).status_code == 302
    with app.app_context():
        assert [r.status for r in _rows(event.id)] == ["confirmed"] * 3
    data = json.loads(c.get("/saya/data.json").data)
    assert data["registrations"][0]["companions"] == [
        {"name": "Anak Pertama", "relation": "Anak", "age_group": "Anak 6-12", "status": "confirmed"},
        {"name": "Anak Kedua", "relation": "Anak", "age_group": "Balita", "status": "confirmed"}]
    with app.app_context():
        from relawan import data_rights
        data_rights.anonymise(db.session.get(Relawan, rel.id), None)
        db.session.commit()
        kids = _rows(event.id)[1:]
        assert {k.guest_name for k in kids} == {"Pendamping terhapus"}
        assert {k.companion_relation for k in kids} == {None}
        assert [k.age_group for k in kids] == ["anak", "balita"]  # counts kept
