"""The one domain error shape: every service error is a DomainError with a code and a kind, and an
uncaught one becomes the Indonesian page (or the API's JSON) with its kind's status, the request
rolled back."""
import pytest
from sqlalchemy import func, select

from app import create_app
from auth.models import User
from auth.services import UserError
from events.services.events import EventError
from events.services.imports import InviteeImportError
from events.services.programs import ProgramError
from events.services.registration import AlreadyRegistered, EventCancelled, EventClosed, NotEligible, RegistrationError
from events.services.speakers import SpeakerError
from extensions import db
from helpers.errors import STATUS_OF_KIND, DomainError
from ops.backup import BackupError
from relawan.services import DuplicateRelawan, InvalidTransition, RelawanError
from relawan.validators import InvalidEmail, InvalidNik, InvalidPhone
from relawan.wilayah import WilayahError

SERVICE_ERRORS = [UserError, RegistrationError, EventClosed, EventCancelled, AlreadyRegistered,
                  NotEligible, SpeakerError, ProgramError, EventError, InviteeImportError, RelawanError,
                  InvalidTransition, DuplicateRelawan, InvalidNik, InvalidPhone, InvalidEmail,
                  WilayahError, BackupError]


class SeatGone(DomainError):
    code = "seat_gone"
    kind = "conflict"
    default = "Kursi terakhir baru saja diambil orang lain."


@pytest.fixture
def raising_app(app):
    """A fresh app on the test database with routes that save a row and then raise."""
    fresh = create_app({**{k: app.config[k] for k in (
        "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "RATELIMIT_ENABLED", "PASSWORD_HASH_METHOD")},
        "TESTING": True})

    def save_then_refuse():
        db.session.add(User(name="Tidak jadi", email="tidak-jadi@contoh.id", password_hash="x"))
        db.session.flush()
        raise SeatGone()

    fresh.add_url_rule("/uji/kursi", "uji_kursi", save_then_refuse, methods=["POST"])
    fresh.add_url_rule("/api/v1/uji/kursi", "api_uji_kursi", save_then_refuse, methods=["POST"])
    fresh.add_url_rule("/uji/hp", "uji_hp", lambda: (_ for _ in ()).throw(InvalidPhone("Nomor HP tidak valid.")))
    yield fresh
    with fresh.app_context():
        db.engine.dispose()


def _users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize("cls", SERVICE_ERRORS, ids=lambda c: c.__name__)
def test_every_service_error_is_a_domain_error_with_its_own_code_and_a_known_kind(cls):
    err = cls("Pesan uji.")
    assert isinstance(err, DomainError)
    assert cls.code != DomainError.code and cls.kind in STATUS_OF_KIND
    assert (err.message, str(err), err.fields) == ("Pesan uji.", "Pesan uji.", {})


def test_field_errors_keep_their_fields_and_join_them_as_the_message():
    err = EventError(fields={"capacity": "Kuota terlalu kecil.", "status": "Belum bisa terbit."})
    assert err.fields == {"capacity": "Kuota terlalu kecil.", "status": "Belum bisa terbit."}
    assert err.message == "Kuota terlalu kecil. Belum bisa terbit."
    assert DuplicateRelawan().message == "Data yang sama sudah terdaftar (NIK, nomor HP, atau email)."


def test_uncaught_domain_error_is_the_indonesian_page_with_its_status_and_saves_nothing(raising_app):
    resp = raising_app.test_client().post("/uji/kursi")
    assert resp.status_code == 409 and resp.mimetype == "text/html"
    assert "Kursi terakhir baru saja diambil orang lain." in resp.get_data(as_text=True)
    assert _users(raising_app) == 0


def test_uncaught_domain_error_under_api_is_json_with_its_code(raising_app):
    resp = raising_app.test_client().post("/api/v1/uji/kursi")
    assert resp.status_code == 409 and resp.is_json
    assert resp.get_json()["result"] == "seat_gone"
    assert resp.get_json()["message"] == "Kursi terakhir baru saja diambil orang lain."
    assert _users(raising_app) == 0


def test_invalid_kind_answers_400(raising_app):
    resp = raising_app.test_client().get("/uji/hp")
    assert resp.status_code == 400 and "Nomor HP tidak valid." in resp.get_data(as_text=True)
