"""`flask demo-data` loads on a fresh database and every events page renders with it."""
import re

from sqlalchemy import func, select

from auth.models import User
from events.checkin_models import CheckIn
from events.models import (
    Event,
    ProgramEnrollment,
    Registration,
    Speaker,
    TrainingProgram,
)
from extensions import db
from relawan.models import Kelurahan, Relawan
from relawan.validators import parse_nik
from tests.conftest import login


def _password(output, email):
    return re.search(rf"{re.escape(email)} / (\S+)", output).group(1)


def test_demo_data_loads_once_and_every_page_renders(app, runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "panitia.demo@contoh.id" in out and "koordinator.demo@contoh.id" in out
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code != 0 and "sudah dimuat" in again.output

    with app.app_context():
        sos = db.session.scalars(select(Event).where(Event.kind == "sosialisasi")).one()
        assert sos.title == "Sosialisasi Pencegahan Kekerasan terhadap Perempuan dan Anak"
        assert sos.venue_name == "Aula Gedung PKPRI Kota Serang"
        instansi = set(db.session.scalars(select(Speaker.instansi)))
        assert {"RSUD dr. Drajat Prawiranegara", "Unit PPA Satreskrim Polres Serang Kota"} <= instansi
        assert db.session.scalar(select(func.count()).select_from(Registration)
                                 .where(Registration.event_id == sos.id)) == 50
        program = db.session.scalars(select(TrainingProgram)).one()
        assert len(program.sessions) == 4
        kecamatan = set(db.session.scalars(select(Kelurahan.kecamatan_kode).join(
            Relawan, Relawan.kelurahan_kode == Kelurahan.kode)))
        assert len(kecamatan) == 6
        for nik in db.session.scalars(select(Relawan.nik)):
            parse_nik(nik)
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) > 0
        assert db.session.scalar(select(func.count()).select_from(ProgramEnrollment)) == 21
        event_ids = db.session.scalars(select(Event.id)).all()
        speaker_ids = db.session.scalars(select(Speaker.id)).all()
        tokens = db.session.scalars(select(Registration.token).limit(5)).all()
        panitia = db.session.scalars(select(User).where(User.email == "panitia.demo@contoh.id")).one()
        relawan_user = db.session.scalars(select(User).where(User.email == "relawan.demo@contoh.id")).one()
        db.session.expunge_all()

    staff = app.test_client()
    login(staff, panitia, _password(out, "panitia.demo@contoh.id"))
    pages = ["/", "/program", f"/program/{program.id}", "/narasumber", "/kelola/kegiatan",
             "/kelola/kegiatan/baru", "/kelola/program/baru", "/kelola/narasumber/baru"]
    for eid in event_ids:
        pages += [f"/kegiatan/{eid}", f"/kegiatan/{eid}.ics", f"/kelola/kegiatan/{eid}/peserta",
                  f"/kelola/kegiatan/{eid}/ubah", f"/kelola/kegiatan/{eid}/agenda",
                  f"/kelola/kegiatan/{eid}/undangan", f"/kelola/kegiatan/{eid}/batalkan"]
    pages += [f"/narasumber/{sid}" for sid in speaker_ids] + [f"/t/{t}" for t in tokens]
    for url in pages:
        assert staff.get(url).status_code == 200, url
    assert app.test_client().get(f"/kegiatan/{sos.id}/daftar-tamu").status_code == 200

    rel = app.test_client()
    login(rel, relawan_user, _password(out, "relawan.demo@contoh.id"))
    html = rel.get("/kegiatan/saya").get_data(as_text=True)
    assert "Sesi 2" in html and rel.get(f"/program/{program.id}").status_code == 200
