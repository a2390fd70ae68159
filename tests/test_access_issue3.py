"""Issue 3 access table: every events page x anonymous, relawan, koordinator, panitia, admin."""
import secrets

import pytest

from events.models import Registration, Speaker, TrainingProgram
from extensions import db
from tests.conftest import login

ROLES = ("anonymous", "relawan", "koordinator", "panitia", "admin")
PUBLIC = dict.fromkeys(ROLES, 200)
LOGGED_IN = {"anonymous": 302, "relawan": 200, "koordinator": 200, "panitia": 200, "admin": 200}
READERS = {"anonymous": 302, "relawan": 403, "koordinator": 200, "panitia": 200, "admin": 200}
STAFF = {"anonymous": 302, "relawan": 403, "koordinator": 403, "panitia": 200, "admin": 200}
STAFF_POST = {**STAFF, "panitia": 302, "admin": 302}
HIDDEN_DRAFT = {"anonymous": 404, "relawan": 404, "koordinator": 200, "panitia": 200, "admin": 200}
NOT_FOUND = dict.fromkeys(ROLES, 404)

# (method, url template, expected status per role)
TABLE = [
    ("GET", "/", PUBLIC),
    ("GET", "/kegiatan/{event}", PUBLIC),
    ("GET", "/kegiatan/{event}.ics", PUBLIC),
    ("GET", "/kegiatan/{draft}", HIDDEN_DRAFT),
    ("GET", "/kegiatan/{draft}.ics", HIDDEN_DRAFT),
    ("GET", "/kegiatan/{event}/daftar-tamu", PUBLIC),
    ("GET", "/kegiatan/saya", LOGGED_IN),
    ("GET", "/program", PUBLIC),
    ("GET", "/program/{program}", PUBLIC),
    ("GET", "/program/{draft_program}", HIDDEN_DRAFT),
    ("GET", "/t/{token}", PUBLIC),
    ("GET", "/t/{token}.png", PUBLIC),
    ("GET", "/t/{token}.svg", PUBLIC),
    ("GET", "/t/bukan-token-yang-ada", NOT_FOUND),
    ("GET", "/kelola/kegiatan", READERS),
    ("GET", "/kelola/kegiatan/{event}/peserta", READERS),
    ("GET", "/narasumber", READERS),
    ("GET", "/narasumber/{speaker}", READERS),
    ("GET", "/kelola/kegiatan/baru", STAFF),
    ("GET", "/kelola/kegiatan/{event}/ubah", STAFF),
    ("GET", "/kelola/kegiatan/{event}/batalkan", STAFF),
    ("GET", "/kelola/kegiatan/{event}/agenda", STAFF),
    ("GET", "/kelola/kegiatan/{event}/undangan", STAFF),
    ("GET", "/kelola/program/baru", STAFF),
    ("GET", "/kelola/program/{program}/ubah", STAFF),
    ("GET", "/kelola/narasumber/baru", STAFF),
    ("GET", "/kelola/narasumber/{speaker}/ubah", STAFF),
    ("POST", "/kelola/kegiatan/{draft}/terbitkan", STAFF_POST),
    ("POST", "/kelola/kegiatan/{event}/batalkan", {**STAFF, "panitia": 302, "admin": 302}),
    ("POST", "/kelola/agenda/999999/hapus", {**STAFF, "panitia": 404, "admin": 404}),
]


@pytest.fixture
def world(app, make_event, make_relawan):
    """One published event (guests allowed), one draft, programs, a speaker and a ticket."""
    event = make_event(allow_guests=True, capacity=10)
    draft = make_event(status="draft")
    with app.app_context():
        program = TrainingProgram(title="Pelatihan", status="published")
        draft_program = TrainingProgram(title="Draf", status="draft")
        speaker = Speaker(name="Iptu Dewi", instansi="Unit PPA Polres Serang Kota")
        reg = Registration(event_id=event.id, guest_name="Tamu", guest_phone="+6281234567890",
                           token=secrets.token_urlsafe(18), source="guest")
        db.session.add_all([program, draft_program, speaker, reg])
        db.session.commit()
        return {"event": event.id, "draft": draft.id, "program": program.id,
                "draft_program": draft_program.id, "speaker": speaker.id, "token": reg.token}


def _client(app, role, make_user, make_relawan):
    c = app.test_client()
    if role == "anonymous":
        return c
    if role == "relawan":
        rel = make_relawan(status="aktif")
        with app.app_context():
            from relawan.models import Relawan
            user = db.session.get(Relawan, rel.id).user
            db.session.expunge(user)
    else:
        user = make_user(role)
    login(c, user)
    return c


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, url, expected", TABLE, ids=[f"{m} {u}" for m, u, _ in TABLE])
def test_access(app, world, make_user, make_relawan, role, method, url, expected):
    c = _client(app, role, make_user, make_relawan)
    data = {"reason": "Uji akses."} if method == "POST" else None
    resp = c.open(url.format(**world), method=method, data=data)
    assert resp.status_code == expected[role], resp.get_data(as_text=True)[:300]
    if resp.status_code == 302 and role == "anonymous":
        assert "/masuk" in resp.location
