"""Panitia pages: create/edit/publish/cancel events with bad input refused and nothing saved."""
from datetime import datetime, timedelta

from sqlalchemy import select

from auth.models import AuditEntry
from events.models import Event, Registration
from events.services import registration as svc
from extensions import db
from relawan.models import Relawan
from tests.events.evhelpers import count
from timeutil import utcnow, wib_to_utc

FORM = {"kind": "sosialisasi", "title": "Sosialisasi Cegah Kekerasan", "venue_name": "Aula PKPRI",
        "starts_at": "2030-03-10T08:00", "ends_at": "2030-03-10T12:00", "capacity": "50",
        "program_id": "0", "required": "y"}


def test_panitia_creates_event_in_wib_and_publishes(login_as, app):
    c = login_as("panitia")
    resp = c.post("/kelola/kegiatan/baru", data=FORM)
    assert resp.status_code == 302
    with app.app_context():
        ev = db.session.scalars(select(Event)).one()
        assert ev.status == "draft"
        assert ev.starts_at == wib_to_utc(datetime(2030, 3, 10, 8, 0)) == datetime(2030, 3, 10, 1, 0)
        eid = ev.id
    assert c.get(f"/kegiatan/{eid}").status_code == 200
    assert c.get(f"/kegiatan/{eid}", follow_redirects=True).status_code == 200
    assert c.post(f"/kelola/kegiatan/{eid}/terbitkan").status_code == 302
    with app.app_context():
        assert db.session.get(Event, eid).status == "published"
        assert count(AuditEntry, AuditEntry.action == "event_publish") == 1
    page = c.get(f"/kegiatan/{eid}").get_data(as_text=True)
    assert "10 Maret 2030 08.00 WIB" in page


def test_end_before_start_is_refused_with_message_and_nothing_saved(login_as, app):
    c = login_as("panitia")
    resp = c.post("/kelola/kegiatan/baru", data={**FORM, "ends_at": "2030-03-10T07:00"})
    assert resp.status_code == 422
    assert "Waktu selesai harus setelah waktu mulai." in resp.get_data(as_text=True)
    with app.app_context():
        assert count(Event) == 0


def test_garbage_dates_and_capacity_give_messages_not_500(login_as, app):
    c = login_as("panitia")
    resp = c.post("/kelola/kegiatan/baru", data={**FORM, "starts_at": "besok pagi", "capacity": "-3",
                                                 "kind": "konser"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Isi tanggal dan jam dengan benar." in html and "Kuota antara" in html
    with app.app_context():
        assert count(Event) == 0


def test_capacity_below_current_registrations_is_refused(login_as, app, make_event, make_relawan):
    ev = make_event(capacity=5)
    people = [make_relawan(status="aktif").id for _ in range(3)]
    with app.app_context():
        event = db.session.get(Event, ev.id)
        for rid in people:
            svc.register_relawan(event, db.session.get(Relawan, rid))
        db.session.commit()
    c = login_as("panitia")
    form = c.get(f"/kelola/kegiatan/{ev.id}/ubah")
    assert form.status_code == 200
    resp = c.post(f"/kelola/kegiatan/{ev.id}/ubah", data={
        **FORM, "title": ev.title, "capacity": "2",
        "starts_at": "2030-03-10T08:00", "ends_at": "2030-03-10T12:00"})
    assert resp.status_code == 422
    assert "Kuota tidak boleh lebih kecil dari jumlah peserta terdaftar (3 orang)." in resp.get_data(as_text=True)
    with app.app_context():
        e = db.session.get(Event, ev.id)
        assert e.capacity == 5 and e.starts_at == ev.starts_at  # nothing saved


def test_raising_capacity_promotes_the_waitlist(login_as, app, make_event, make_relawan):
    ev = make_event(capacity=1)
    people = [make_relawan(status="aktif").id for _ in range(3)]
    with app.app_context():
        event = db.session.get(Event, ev.id)
        regs = [svc.register_relawan(event, db.session.get(Relawan, rid)) for rid in people]
        db.session.commit()
        assert [r.status for r in regs] == ["confirmed", "waitlisted", "waitlisted"]
    c = login_as("panitia")
    resp = c.post(f"/kelola/kegiatan/{ev.id}/ubah", data={**FORM, "capacity": "2"})
    assert resp.status_code == 302
    with app.app_context():
        statuses = db.session.scalars(select(Registration.status).order_by(Registration.id)).all()
        assert statuses == ["confirmed", "confirmed", "waitlisted"]
        assert db.session.get(Event, ev.id).seats_taken == 2


def test_cancel_event_shows_on_tickets_and_home_and_refuses_new_registrations(
        login_as, app, make_event, make_relawan, client):
    ev = make_event(capacity=10, allow_guests=True)
    rel = make_relawan(status="aktif")
    with app.app_context():
        reg = svc.register_relawan(db.session.get(Event, ev.id), db.session.get(Relawan, rel.id))
        db.session.commit()
        token = reg.token
    c = login_as("panitia")
    assert c.post(f"/kelola/kegiatan/{ev.id}/batalkan", data={"reason": ""}).status_code == 422
    resp = c.post(f"/kelola/kegiatan/{ev.id}/batalkan", data={"reason": "Gedung dipakai untuk pemilu."})
    assert resp.status_code == 302
    with app.app_context():
        e = db.session.get(Event, ev.id)
        assert e.status == "cancelled" and e.cancel_reason == "Gedung dipakai untuk pemilu." and e.cancelled_at
    ticket = client.get(f"/t/{token}").get_data(as_text=True)
    assert "KEGIATAN DIBATALKAN" in ticket and "Gedung dipakai untuk pemilu." in ticket
    resp = client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "Ani", "phone": "081234567891"})
    assert resp.status_code == 422 and "dibatalkan" in resp.get_data(as_text=True)
    with app.app_context():
        assert count(Registration) == 1


def test_manage_page_leaves_the_unconfigured_provider_notice_to_the_outbox_page(login_as, make_event):
    make_event()  # issue 12: the UI says so once (/admin/pesan/), not on every page
    html = login_as("panitia").get("/kelola/kegiatan").get_data(as_text=True)
    assert "SMTP belum dikonfigurasi" not in html


def test_koordinator_reads_but_cannot_edit(login_as, make_event):
    ev = make_event()
    c = login_as("koordinator")
    assert c.get("/kelola/kegiatan").status_code == 200
    assert c.get(f"/kelola/kegiatan/{ev.id}/peserta").status_code == 200
    assert c.get(f"/kelola/kegiatan/{ev.id}/ubah").status_code == 403
    assert c.post(f"/kelola/kegiatan/{ev.id}/batalkan", data={"reason": "x"}).status_code == 403


def test_scoped_koordinator_sees_only_registrants_of_their_kecamatan(login_as, app, make_event, make_relawan):
    ev = make_event(capacity=10)
    kasemen = make_relawan(status="aktif", full_name="Warga Kasemen", kelurahan_kode="36.73.02.1001")
    other = make_relawan(status="aktif", full_name="Warga Lain", kelurahan_kode="36.73.01.1001")
    with app.app_context():
        event = db.session.get(Event, ev.id)
        for r in (kasemen, other):
            svc.register_relawan(event, db.session.get(Relawan, r.id))
        db.session.commit()
    html = login_as("koordinator", kecamatan_kode="36.73.02").get(
        f"/kelola/kegiatan/{ev.id}/peserta").get_data(as_text=True)
    assert "Warga Kasemen" in html and "Warga Lain" not in html


def test_draft_events_are_hidden_from_the_public(client, make_event):
    ev = make_event(status="draft")
    assert client.get(f"/kegiatan/{ev.id}").status_code == 404
    assert client.get(f"/kegiatan/{ev.id}.ics").status_code == 404
    assert ev.title not in client.get("/").get_data(as_text=True)


def test_public_landing_and_detail_and_ics(client, make_event):
    start = utcnow().replace(microsecond=0, second=0) + timedelta(days=3)
    ev = make_event(title="Sosialisasi, Pencegahan; Kekerasan", capacity=40, starts_at=start,
                    venue_address="Jl. Contoh No. 1, Kota Serang")
    home = client.get("/").get_data(as_text=True)
    assert "Sosialisasi, Pencegahan; Kekerasan" in home and "Sisa 40 dari 40 kursi" in home
    detail = client.get(f"/kegiatan/{ev.id}").get_data(as_text=True)
    assert "sisa 40" in detail
    resp = client.get(f"/kegiatan/{ev.id}.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    body = resp.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in body
    assert "SUMMARY:Sosialisasi\\, Pencegahan\\; Kekerasan" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_ended_published_event_shows_as_selesai_and_filters_as_finished(login_as, app, make_event):
    past = make_event(title="Sosialisasi Bulan Lalu", starts_at=utcnow() - timedelta(days=30))
    coming = make_event(title="Sosialisasi Pekan Depan")
    with app.app_context():  # nobody closed it: the stored status stays published
        assert db.session.get(Event, past.id).status == "published"
        assert db.session.get(Event, past.id).display_status == "finished"
        assert db.session.get(Event, coming.id).display_status == "published"
    c = login_as("panitia")
    finished = c.get("/kelola/kegiatan?status=finished").get_data(as_text=True)
    assert "Sosialisasi Bulan Lalu" in finished and "Sosialisasi Pekan Depan" not in finished
    assert 'badge-finished">Selesai' in finished
    published = c.get("/kelola/kegiatan?status=published").get_data(as_text=True)
    assert "Sosialisasi Pekan Depan" in published and "Sosialisasi Bulan Lalu" not in published
    detail = c.get(f"/kegiatan/{past.id}").get_data(as_text=True)
    assert "Selesai" in detail
