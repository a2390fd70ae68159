"""Whole-app access-control matrix (issue 6.2): every rule of app.url_map x every role.

The rules come from `app.url_map`, so a new route is requested automatically; its endpoint must
have a row in EXPECTATIONS (tests/access_expectations.py) or the test fails ("new route without
expectation"). URL parameters are filled from a world of fixtures (an event, relawan A's ticket
token and id, a certificate code, ...); a parameter name not in `World.params` fails the test too.

Safe methods (GET) run against one shared world. Unsafe methods (POST, DELETE) run against a
fresh set of target objects for every (endpoint, role), so one role's successful write (publish,
cancel, anonymise, revoke) cannot change what the next role sees. Logging out is re-done.

Roles: anonymous; relawan A (owns the ticket, card, history); relawan B (another relawan);
koordinator of A's kecamatan (Kasemen); koordinator of another kecamatan (Serang); panitia; admin.
Statuses: 302 for anonymous on a login-protected page (redirect to /masuk), 401 on the JSON API.

Object-level checks at the end: relawan A cannot reach B's ticket, profile, card, data export,
certificate or registration by changing ids or tokens.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from auth.models import ApiToken, Role, User
from extensions import db
from relawan.models import Relawan
from tests.access_expectations import (
    DENIED,
    EXPECTATIONS,
    KASEMEN,
    KEL_A,
    KEL_B,
    LOGIN,
    ROLES,
    SERANG,
    UNSAFE,
)
from tests.conftest import PASSWORD, login
from timeutil import utcnow


@dataclass
class World:
    """Fixture objects and the values for URL parameters."""
    app: object
    users: dict[str, User] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, object]:
        return {"filename": "css/app.css", **self.ids}


_PASSWORD_HASH: list[str] = []


def _user(role: str, name: str, kecamatan: str | None = None, password: bool = True) -> User:
    user = User(name=name, email=f"{name.lower().replace(' ', '.')}.{secrets.token_hex(3)}@contoh.id",
                role=role, kecamatan_kode=kecamatan)
    if password:
        if not _PASSWORD_HASH:  # hash once: scrypt per user would dominate the run time
            from werkzeug.security import generate_password_hash
            _PASSWORD_HASH.append(generate_password_hash(PASSWORD))
        user.password_hash = _PASSWORD_HASH[0]
    else:
        user.password_hash = "!"
    db.session.add(user)
    return user


def _relawan(user: User, name: str, kelurahan: str, nik: str | None) -> Relawan:
    rel = Relawan(user=user, full_name=name, nik=nik, gender="P", kelurahan_kode=kelurahan, status="aktif",
                  address="Jl. Contoh 1", card_token=secrets.token_urlsafe(24), consent_version="2026-11-v1",
                  consent_at=utcnow())
    db.session.add(rel)
    return rel


def build_targets(users: dict[str, User], relawan_a: Relawan, relawan_b: Relawan) -> dict[str, object]:
    """One set of objects for URL parameters; returns {param name: value}. Caller commits."""
    from events.checkin_models import CheckIn, DoorStaffGrant
    from events.models import (
        AgendaItem,
        Event,
        ProgramEnrollment,
        Registration,
        Speaker,
        TrainingProgram,
    )
    from events.training import Certificate

    now = utcnow().replace(microsecond=0)
    program = TrainingProgram(title=f"Pelatihan {secrets.token_hex(2)}", status="published")
    db.session.add(program)
    db.session.flush()
    event = Event(kind="pelatihan", title="Sesi 1", venue_name="Aula PKPRI", starts_at=now - timedelta(hours=1),
                  ends_at=now + timedelta(hours=2), status="published", capacity=50, allow_guests=True,
                  allow_walk_ins=True, program_id=program.id, program_order=1)
    speaker = Speaker(name="dr. Narasumber", instansi="RSUD dr. Drajat Prawiranegara")
    db.session.add_all([event, speaker])
    db.session.flush()
    enrollment = ProgramEnrollment(program_id=program.id, relawan_id=relawan_a.id)
    reg_a = Registration(event_id=event.id, relawan_id=relawan_a.id, token=secrets.token_urlsafe(16))
    reg_b = Registration(event_id=event.id, relawan_id=relawan_b.id, token=secrets.token_urlsafe(16))
    item = AgendaItem(event_id=event.id, speaker_id=speaker.id, topic="Pencegahan kekerasan", starts_at=event.starts_at)
    victim = _user(Role.PANITIA, "Korban Uji", password=False)
    db.session.add_all([enrollment, reg_a, reg_b, item])
    db.session.flush()
    check_in = CheckIn(registration_id=reg_a.id, event_id=event.id, scan_id=secrets.token_hex(8),
                       scanned_at=now, by_user_id=users["panitia"].id)
    grant = DoorStaffGrant(event_id=event.id, user_id=users["relawan_b"].id, granted_by_id=users["panitia"].id)
    cert = Certificate(code=secrets.token_urlsafe(12)[:16], number=f"CERT/{secrets.token_hex(4)}",
                       name=relawan_a.full_name, program_id=program.id, relawan_id=relawan_a.id,
                       title=program.title, date_text="28 November 2026")
    token = ApiToken(user_id=users["panitia"].id, name="HP pintu", token_hash=secrets.token_hex(32), prefix="p2t_x")
    db.session.add_all([check_in, grant, cert, token])
    db.session.flush()
    # A broadcast to Kasemen relawan (the koordinator of Kasemen may open it) with one message.
    from messaging.models import Broadcast, Message
    broadcast = Broadcast(author_id=users["panitia"].id, segment={"kind": "relawan", "kecamatan": KASEMEN},
                          segment_label="Relawan, kecamatan Kasemen", kecamatan_kode=KASEMEN, subject="Rapat",
                          body="Rapat relawan", request_key=secrets.token_urlsafe(24))
    db.session.add(broadcast)
    db.session.flush()
    message = Message(channel="email", recipient="siti@contoh.id", template="broadcast", body="Rapat relawan",
                      broadcast_id=broadcast.id, opt_out_token=secrets.token_urlsafe(16))
    db.session.add(message)
    # A year of case figures (issue 15.5) for the admin's edit page; one per test database.
    from cases.models import CaseYearTotal
    if db.session.scalar(select(CaseYearTotal.id).limit(1)) is None:
        db.session.add(CaseYearTotal(year=2016, total=11, source="Berita sosialisasi"))
    db.session.flush()
    # A test of the event with one question, its pre-test open, and a template (issue 15.2).
    from surveys.models import Question, Questionnaire, QuestionOption, SurveyRound
    test = Questionnaire(kind="test", title="Tes", event_id=event.id, rounds=[
        SurveyRound(name="pre", status="open"), SurveyRound(name="post")], questions=[
        Question(kind="quiz", text="Soal", options=[QuestionOption(text="Ya", is_correct=True),
                                                    QuestionOption(text="Tidak")])])
    template = Questionnaire(kind="feedback", title="Templat", questions=[Question(kind="text", text="Saran")])
    db.session.add_all([test, template])
    # A registration question of the event (issue 15.4).
    from events.questions.models import EventQuestion
    event_question = EventQuestion(event_id=event.id, label="Ukuran kaos", kind="choice",
                                   options=["S", "M", "L"], position=1)
    db.session.add(event_question)
    db.session.flush()
    return {"event_question_id": event_question.id, "questionnaire_id": test.id, "round_name": "pre", "question_id": test.questions[0].id,
            "template_id": template.id, "template_question_id": template.questions[0].id, "year": 2016, "broadcast_id": broadcast.id, "opt_out_token": message.opt_out_token,
            "event_id": event.id, "program_id": program.id, "speaker_id": speaker.id, "item_id": item.id,
            "registration_id": reg_a.id, "token": reg_a.token, "token_b": reg_b.token,
            "relawan_id": relawan_a.id, "user_id": victim.id, "checkin_id": check_in.id, "grant_id": grant.id,
            "cert_id": cert.id, "code": cert.code, "token_id": token.id}


@pytest.fixture
def world(app):
    with app.app_context():
        w = World(app)
        users = {
            "relawan_a": _user(Role.RELAWAN, "Relawan A"),
            "relawan_b": _user(Role.RELAWAN, "Relawan B"),
            "koordinator_other": _user(Role.KOORDINATOR, "Koordinator Serang", SERANG),
            "koordinator": _user(Role.KOORDINATOR, "Koordinator Kasemen", KASEMEN),
            "panitia": _user(Role.PANITIA, "Panitia"),
            "admin": _user(Role.ADMIN, "Admin"),
        }
        db.session.flush()
        rel_a = _relawan(users["relawan_a"], "Siti Aminah", KEL_A, "3673025501900001")
        rel_b = _relawan(users["relawan_b"], "Budi Santoso", KEL_B, "3673011203880002")
        db.session.flush()
        w.ids = build_targets(users, rel_a, rel_b)
        w.ids["relawan_b_id"] = rel_b.id
        db.session.commit()
        for u in users.values():
            db.session.refresh(u)
            db.session.expunge(u)
        w.users = users
    return w


@pytest.fixture
def clients(app, world):
    out = {"anonymous": app.test_client()}
    for role, user in world.users.items():
        out[role] = login(app.test_client(), user)
    return out


def fresh_params(app, world) -> dict[str, object]:
    """New target objects for one unsafe request (owned by the same relawan A and B)."""
    with app.app_context():
        rel_a = db.session.get(Relawan, world.ids["relawan_id"])
        rel_b = db.session.get(Relawan, world.ids["relawan_b_id"])
        users = {k: db.session.get(User, u.id) for k, u in world.users.items()}
        # A fresh relawan in Kasemen for status/anonymise rows, so A and B stay intact.
        target_user = _user(Role.RELAWAN, "Target", password=False)
        target = _relawan(target_user, "Target Calon", KEL_A, None)
        target.status = "calon"
        db.session.flush()
        ids = build_targets(users, rel_a, rel_b)
        ids["relawan_id"] = target.id
        db.session.commit()
        return {"filename": "css/app.css", **ids}


def _expected_for(endpoint: str, method: str) -> dict | None:
    exp = EXPECTATIONS.get(endpoint)
    if exp is None:
        return None
    if set(exp) <= {"GET", "POST", "PUT", "PATCH", "DELETE"}:
        return exp.get(method)
    return exp


def _build_url(rule, params: dict) -> str:
    missing = [a for a in rule.arguments if a not in params]
    if missing:
        raise KeyError(f"no fixture value for URL parameter(s) {missing} of {rule.rule} ({rule.endpoint}): "
                       "add it to World / build_targets")
    values = {a: params[a] for a in rule.arguments}
    url = rule.rule
    for name, value in values.items():
        for conv in (f"<{name}>", f"<int:{name}>", f"<path:{name}>", f"<int(max=2147483647):{name}>"):
            url = url.replace(conv, str(value))
    assert "<" not in url, f"unfilled converter in {url}"
    return url


class _Crashed:
    """Stands in for a response when the view raised (TESTING propagates exceptions)."""
    status_code = 500

    def __init__(self, exc: BaseException):
        self.exc = exc

    def close(self):
        pass


def _request(client, method: str, url: str):
    try:
        if url.startswith("/api/"):
            return client.open(url, method=method, json={})
        return client.open(url, method=method, data={})
    except Exception as exc:  # noqa: BLE001 - reported as a 500 with its message
        with client.application.app_context():
            db.session.rollback()
        return _Crashed(exc)


def _matches(want, resp) -> bool:
    if want is None:
        return False
    if want == LOGIN:
        return resp.status_code == 302 and "/masuk" in resp.headers.get("Location", "")
    if isinstance(want, tuple):
        return resp.status_code in want
    return resp.status_code == want


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


def test_every_route_has_an_expectation(app):
    missing = sorted({r.endpoint for r in _rules(app)} - set(EXPECTATIONS))
    assert not missing, "new route without expectation (add it to EXPECTATIONS):\n  " + "\n  ".join(missing)
    stale = sorted(set(EXPECTATIONS) - {r.endpoint for r in _rules(app)})
    assert not stale, f"EXPECTATIONS for endpoints that no longer exist: {stale}"


def test_access_matrix(app, world, clients):
    dump = os.environ.get("ACCESS_MATRIX_DUMP")
    problems, seen = [], []
    for rule in _rules(app):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for method in methods:
            expected = _expected_for(rule.endpoint, method)
            if expected is None and not dump:
                continue  # reported by test_every_route_has_an_expectation
            got_row = {}
            for role in ROLES:
                want_here = expected.get(role) if expected else None
                # A write that should pass the gate gets its own fresh objects; refused ones use
                # the shared world (if a refusal wrongly succeeds, the test fails anyway).
                allowed = dump or not (want_here == LOGIN or want_here in DENIED)
                params = fresh_params(app, world) if method in UNSAFE and allowed else world.params
                url = _build_url(rule, params)
                resp = _request(clients[role], method, url)
                got_row[role] = resp.status_code
                resp.close()
                if method == "POST" and rule.endpoint == "auth.logout" and role != "anonymous":
                    login(clients[role], world.users[role])
                want = expected.get(role) if expected else None
                ok = _matches(want, resp)
                if expected is not None and not ok:
                    problems.append(f"{rule.endpoint:34} {method:6} {role:18} expected {want}, got {resp.status_code}  ({url})")
                if resp.status_code >= 500:
                    why = f": {type(resp.exc).__name__}: {str(resp.exc)[:150]}" if isinstance(resp, _Crashed) else ""
                    problems.append(f"{rule.endpoint} {method} {role}: server error {resp.status_code} ({url}){why}")
            seen.append((rule.endpoint, method, got_row))
    if dump:
        for endpoint, method, row in seen:
            print(f'    "{endpoint}": {{"{method}": roles({", ".join(str(row[r]) for r in ROLES)})}},')
    assert not problems, "access matrix mismatches:\n" + "\n".join(problems)


# --- Object-level checks: ids and tokens belong to someone ------------------------------------
