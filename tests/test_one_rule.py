"""One owner per rule: a phone typed in any common format is stored as the same E.164 value on
every input path, and every staff/reader page agrees with auth.models' rule of who is staff."""
import io
import re

import pytest
from sqlalchemy import select

from auth.models import READER_ROLES, Role, User, is_staff_role
from events.models import Event, Registration, Speaker
from extensions import db
from relawan.models import Relawan
from tests.conftest import login
from tests.relawan.helpers import signup_form

E164 = "+6281234567890"
TYPED = ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "0812 3456 7890",
         "+62-812-3456-7890", "081234567890"]
EVENT_FORM = {"kind": "sosialisasi", "title": "Sosialisasi Cegah Kekerasan", "venue_name": "Aula PKPRI",
              "starts_at": "2030-03-10T08:00", "ends_at": "2030-03-10T12:00", "capacity": "50",
              "program_id": "0", "required": "y"}


def _one(app, stmt):
    with app.app_context():
        return db.session.scalars(stmt).one()


@pytest.mark.parametrize("typed", TYPED)
def test_sign_up_stores_the_phone_as_e164(client, app, typed):
    resp = client.post("/daftar", data=signup_form(phone=typed))
    assert resp.status_code == 302
    assert _one(app, select(User.phone).where(User.role == Role.RELAWAN)) == E164


@pytest.mark.parametrize("typed", TYPED)
def test_profile_edit_stores_the_phone_as_e164(app, make_relawan, typed):
    rel = make_relawan(phone="+6285700001111", nik="3673025507909001")
    c = app.test_client()
    with app.app_context():
        login(c, db.session.get(User, rel.user_id))
    resp = c.post("/saya/profil", data=signup_form(phone=typed))
    assert resp.status_code == 302
    assert _one(app, select(User.phone).join(Relawan, Relawan.user_id == User.id)) == E164


@pytest.mark.parametrize("typed", TYPED)
def test_guest_registration_stores_the_phone_as_e164(client, app, make_event, typed):
    ev = make_event(allow_guests=True)
    resp = client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "Siti", "phone": typed,
                                                                "kelurahan_kode": ""})
    assert resp.status_code == 302
    assert _one(app, select(Registration.guest_phone)) == E164


@pytest.mark.parametrize("typed", TYPED)
def test_user_admin_create_stores_the_phone_as_e164(app, login_as, typed):
    admin = login_as(Role.ADMIN)
    assert admin.post("/admin/pengguna/baru", data={
        "name": "Panitia Baru", "phone": typed, "role": "panitia", "kecamatan_kode": "",
        "password": "sandi-awal-1", "active": "y"}).status_code == 302
    assert _one(app, select(User.phone).where(User.name == "Panitia Baru")) == E164


@pytest.mark.parametrize("typed", TYPED)
def test_user_admin_edit_stores_the_phone_as_e164(app, login_as, make_user, typed):
    admin = login_as(Role.ADMIN)
    other = make_user(Role.PANITIA, phone="+6285700002222")
    assert admin.post(f"/admin/pengguna/{other.id}", data={
        "name": "Panitia Lain", "email": other.email, "phone": typed, "role": "panitia",
        "kecamatan_kode": "", "password": "", "active": "y"}).status_code == 302
    assert _one(app, select(User.phone).where(User.id == other.id)) == E164


@pytest.mark.parametrize("typed", TYPED)
def test_invitee_import_stores_the_phone_as_e164(app, login_as, make_event, typed):
    ev = make_event()
    c = login_as(Role.PANITIA)
    csv = f"nama;no_hp\nSiti Aminah;{typed}\n".encode()
    html = c.post(f"/kelola/kegiatan/{ev.id}/undangan", data={"file": (io.BytesIO(csv), "u.csv")},
                  content_type="multipart/form-data").get_data(as_text=True)
    payload = re.search(r'name="payload" value="([^"]+)"', html).group(1)
    resp = c.post(f"/kelola/kegiatan/{ev.id}/undangan", data={"step": "confirm", "payload": payload})
    assert resp.status_code == 302
    assert _one(app, select(Registration.guest_phone)) == E164


@pytest.mark.parametrize("typed", TYPED)
def test_event_organiser_and_speaker_phones_are_stored_as_e164(app, login_as, typed):
    c = login_as(Role.PANITIA)
    assert c.post("/kelola/kegiatan/baru", data={**EVENT_FORM, "organiser_phone": typed}).status_code == 302
    assert c.post("/kelola/narasumber/baru", data={"name": "Iptu Dewi", "phone": typed}).status_code == 302
    assert _one(app, select(Event.organiser_phone)) == E164
    assert _one(app, select(Speaker.phone)) == E164


@pytest.mark.parametrize("typed", TYPED)
def test_cli_user_create_stores_the_phone_as_e164(app, runner, typed):
    result = runner.invoke(args=["users", "create", "--phone", typed, "--role", "panitia",
                                 "--password", "sandi-awal-1", "--name", "Panitia CLI"])
    assert result.exit_code == 0, result.output
    assert _one(app, select(User.phone)) == E164


def test_bad_phone_is_a_field_message_on_every_form_and_saves_nothing(app, client, login_as, make_event):
    ev = make_event(allow_guests=True)
    c = login_as(Role.PANITIA)
    answers = [client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "Siti", "phone": "0254-123"}),
               client.post("/daftar", data=signup_form(phone="0254-123")),
               c.post("/kelola/narasumber/baru", data={"name": "Iptu Dewi", "phone": "0254-123"})]
    for resp in answers:
        assert resp.status_code in (200, 422) and "Nomor HP" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Registration)).all() == []
        assert db.session.scalars(select(Speaker)).all() == []
        assert db.session.scalars(select(User).where(User.role == Role.RELAWAN)).all() == []


@pytest.mark.parametrize("role", list(Role))
def test_staff_and_reader_pages_agree_with_the_one_rule(app, login_as, role):
    c = login_as(role)
    staff_page = c.get("/kelola/kegiatan/baru")
    reader_page = c.get("/kelola/kegiatan")
    assert (staff_page.status_code == 200) == is_staff_role(role)
    assert staff_page.status_code in (200, 403)
    assert (reader_page.status_code == 200) == (role in READER_ROLES)
    home = c.get("/kegiatan").get_data(as_text=True)
    assert ("Kelola kegiatan" in home) == is_staff_role(role)
    with app.app_context():
        assert db.session.get(User, c.user.id).is_staff == is_staff_role(role)
