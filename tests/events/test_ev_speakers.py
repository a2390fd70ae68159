"""Speaker directory, agenda editor and double-booking flags."""
from datetime import timedelta

from sqlalchemy import select

from events.models import AgendaItem, Speaker
from extensions import db
from tests.events.evhelpers import count
from timeutil import to_wib, utcnow


def _speaker(app, **kw):
    with app.app_context():
        s = Speaker(name=kw.pop("name", "dr. Rina"), instansi=kw.pop("instansi", "RSUD dr. Drajat Prawiranegara"),
                    topics=kw.pop("topics", "visum"), **kw)
        db.session.add(s)
        db.session.commit()
        return s.id


def _wib(dt):
    return to_wib(dt).strftime("%Y-%m-%dT%H:%M")


def test_speaker_directory_search(login_as, app):
    _speaker(app, name="dr. Rina Marlina")
    _speaker(app, name="Iptu Dewi", instansi="Unit PPA Polres Serang Kota", topics="pelaporan")
    c = login_as("koordinator")
    html = c.get("/narasumber?q=ppa").get_data(as_text=True)
    assert "Iptu Dewi" in html and "dr. Rina Marlina" not in html
    assert "Tidak ada narasumber" in c.get("/narasumber?q=zzz").get_data(as_text=True)


def test_panitia_adds_speaker_with_normalised_phone_and_rejects_bad_phone(login_as, app):
    c = login_as("panitia")
    resp = c.post("/kelola/narasumber/baru", data={"name": "Iptu Dewi", "phone": "123"})
    assert resp.status_code == 422
    with app.app_context():
        assert count(Speaker) == 0
    resp = c.post("/kelola/narasumber/baru", data={"name": "Iptu Dewi", "phone": "0812 1111 0002",
                                                   "instansi": "Unit PPA Polres Serang Kota"})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Speaker)).one().phone == "+6281211110002"


def test_overlapping_bookings_across_events_are_flagged(login_as, app, make_event):
    sid = _speaker(app, name="Iptu Dewi")
    start = utcnow().replace(second=0, microsecond=0) + timedelta(days=5)
    a = make_event(title="Sosialisasi A", starts_at=start)
    b = make_event(title="Sosialisasi B", starts_at=start)
    c = login_as("panitia")
    resp = c.post(f"/kelola/kegiatan/{a.id}/agenda", data={
        "topic": "Pelaporan kasus", "starts_at": _wib(start), "ends_at": _wib(start + timedelta(hours=1)),
        "speaker_id": str(sid), "position": "1"})
    assert resp.status_code == 302
    resp = c.post(f"/kelola/kegiatan/{b.id}/agenda", data={
        "topic": "UU TPKS", "starts_at": _wib(start + timedelta(minutes=30)), "speaker_id": str(sid),
        "position": "1"}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "juga dijadwalkan pada waktu yang bertabrakan" in html and "Bentrok" in html
    page = c.get(f"/narasumber/{sid}").get_data(as_text=True)
    assert "Ada jadwal yang bertabrakan" in page and page.count("agenda-clash") == 2
    assert "Jadwal bentrok" in c.get(f"/kegiatan/{a.id}").get_data(as_text=True)


def test_back_to_back_bookings_are_not_flagged(login_as, app, make_event):
    sid = _speaker(app)
    start = utcnow().replace(second=0, microsecond=0) + timedelta(days=5)
    a = make_event(starts_at=start)
    c = login_as("panitia")
    for h, topic in ((0, "Materi 1"), (1, "Materi 2")):
        c.post(f"/kelola/kegiatan/{a.id}/agenda", data={
            "topic": topic, "starts_at": _wib(start + timedelta(hours=h)),
            "ends_at": _wib(start + timedelta(hours=h + 1)), "speaker_id": str(sid)})
    assert "bertabrakan" not in c.get(f"/narasumber/{sid}").get_data(as_text=True)
    with app.app_context():
        assert count(AgendaItem) == 2


def test_agenda_end_before_start_refused_and_delete_works(login_as, app, make_event):
    start = utcnow().replace(second=0, microsecond=0) + timedelta(days=5)
    ev = make_event(starts_at=start)
    c = login_as("panitia")
    resp = c.post(f"/kelola/kegiatan/{ev.id}/agenda", data={
        "topic": "X", "starts_at": _wib(start), "ends_at": _wib(start - timedelta(hours=1)), "speaker_id": "0"})
    assert resp.status_code == 422 and "Waktu selesai harus setelah waktu mulai." in resp.get_data(as_text=True)
    c.post(f"/kelola/kegiatan/{ev.id}/agenda", data={"topic": "Pembukaan", "starts_at": _wib(start),
                                                     "speaker_id": "0"})
    with app.app_context():
        item_id = db.session.scalars(select(AgendaItem.id)).one()
    assert "Pembukaan" in c.get(f"/kegiatan/{ev.id}").get_data(as_text=True)
    assert c.post(f"/kelola/agenda/{item_id}/hapus").status_code == 302
    with app.app_context():
        assert count(AgendaItem) == 0
