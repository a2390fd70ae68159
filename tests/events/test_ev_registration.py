"""Registration service: seats, waitlist order, promotion, duplicates, closed/cancelled events."""
from datetime import timedelta

import pytest

from events.models import Event, Registration, RegistrationStatus
from events.services import registration as svc
from extensions import db
from relawan.models import Relawan
from tests.events.evhelpers import count
from timeutil import utcnow


def _load(event_id, *relawan):
    return db.session.get(Event, event_id), [db.session.get(Relawan, r.id) for r in relawan]


def test_full_event_waitlists_in_order_and_cancellation_promotes_first(app, ctx, make_event, make_relawan):
    ev = make_event(capacity=2)
    rs = [make_relawan(status="aktif") for _ in range(4)]
    event, rel = _load(ev.id, *rs)
    regs = [svc.register_relawan(event, r) for r in rel]
    db.session.commit()
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [svc.waitlist_position(r) for r in regs] == [None, None, 1, 2]
    assert event.seats_taken == 2 and event.seats_left == 0

    promoted = svc.cancel_registration(regs[0])
    db.session.commit()
    assert promoted == [regs[2]]
    db.session.expire_all()
    assert db.session.get(Event, ev.id).seats_taken == 2
    assert regs[2].status == "confirmed"
    assert svc.waitlist_position(regs[3]) == 1


def test_cancelling_a_waitlisted_registration_keeps_seats(app, ctx, make_event, make_relawan):
    ev = make_event(capacity=1)
    a, b = make_relawan(status="aktif"), make_relawan(status="aktif")
    event, (ra, rb) = _load(ev.id, a, b)
    svc.register_relawan(event, ra)
    wait = svc.register_relawan(event, rb)
    db.session.commit()
    assert svc.cancel_registration(wait) == []
    db.session.commit()
    assert db.session.get(Event, ev.id).seats_taken == 1


def test_duplicate_registration_is_refused_and_nothing_saved(app, ctx, make_event, make_relawan):
    ev = make_event(capacity=10)
    r = make_relawan(status="aktif")
    event, (rel,) = _load(ev.id, r)
    svc.register_relawan(event, rel)
    db.session.commit()
    with pytest.raises(svc.AlreadyRegistered) as exc:
        svc.register_relawan(event, rel)
    assert "sudah terdaftar" in exc.value.message
    db.session.rollback()
    assert count(Registration) == 1
    assert db.session.get(Event, ev.id).seats_taken == 1


def test_unique_constraint_catches_a_race_the_precheck_missed(app, ctx, make_event, make_relawan, monkeypatch):
    ev = make_event(capacity=10)
    r = make_relawan(status="aktif")
    event, (rel,) = _load(ev.id, r)
    svc.register_relawan(event, rel)
    db.session.commit()
    monkeypatch.setattr(svc, "_existing", lambda *a, **k: None)  # simulate the race
    event = db.session.get(Event, ev.id)
    with pytest.raises(svc.AlreadyRegistered):
        svc.register_relawan(event, db.session.get(Relawan, r.id))
    assert count(Registration) == 1
    assert db.session.get(Event, ev.id).seats_taken == 1  # the seat taken before the INSERT was returned


@pytest.mark.parametrize("changes, error", [
    ({"status": "cancelled"}, svc.EventCancelled),
    ({"status": "draft"}, svc.EventClosed),
    ({"registration_closes_at": "past"}, svc.EventClosed),
    ({"registration_opens_at": "future"}, svc.EventClosed),
    ({"starts_at": "past"}, svc.EventClosed),
])
def test_closed_or_cancelled_events_refuse_registration(app, ctx, make_event, make_relawan, changes, error):
    now = utcnow()
    kw = {}
    for key, value in changes.items():
        if value == "past" and key == "starts_at":
            kw.update(starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=2))
        elif value == "past":
            kw[key] = now - timedelta(minutes=1)
        elif value == "future":
            kw[key] = now + timedelta(hours=2)
        else:
            kw[key] = value
    ev = make_event(capacity=5, **kw)
    r = make_relawan(status="aktif")
    event, (rel,) = _load(ev.id, r)
    with pytest.raises(error) as exc:
        svc.register_relawan(event, rel)
    assert exc.value.message
    db.session.rollback()
    assert count(Registration) == 0
    assert db.session.get(Event, ev.id).seats_taken == 0


def test_rejected_relawan_is_not_eligible(app, ctx, make_event, make_relawan):
    ev = make_event()
    event, (rel,) = _load(ev.id, make_relawan(status="ditolak"))
    with pytest.raises(svc.NotEligible):
        svc.register_relawan(event, rel)


def test_guest_registration_needs_allow_guests_and_unique_phone(app, ctx, make_event):
    closed = db.session.get(Event, make_event(allow_guests=False).id)
    with pytest.raises(svc.NotEligible):
        svc.register_guest(closed, name="Siti", instansi=None, jabatan=None, phone="+6281234567890")
    event = db.session.get(Event, make_event(allow_guests=True, capacity=1).id)
    reg = svc.register_guest(event, name="Siti", instansi="PKK", jabatan="Kader", phone="+6281234567890",
                             kelurahan_kode="36.73.02.1001")
    db.session.commit()
    assert reg.status == "confirmed" and reg.source == "guest" and reg.display_name == "Siti"
    with pytest.raises(svc.AlreadyRegistered) as exc:
        svc.register_guest(event, name="Siti lagi", instansi=None, jabatan=None, phone="+6281234567890")
    assert "Nomor HP" in exc.value.message
    db.session.rollback()
    event = db.session.get(Event, event.id)
    other = svc.register_guest(event, name="Ani", instansi=None, jabatan=None, phone="+6281234567891")
    assert other.status == "waitlisted"


def test_walk_in_is_confirmed_beyond_capacity_only_when_allowed(app, ctx, make_event, make_relawan):
    ev = make_event(capacity=1, allow_walk_ins=True)
    a, b = make_relawan(status="aktif"), make_relawan(status="aktif")
    event, (ra, rb) = _load(ev.id, a, b)
    svc.register_relawan(event, ra)
    walk = svc.register_walk_in(event, rb)
    db.session.commit()
    assert walk.status == "confirmed" and walk.is_walk_in and walk.source == "walk_in"
    assert db.session.get(Event, ev.id).seats_taken == 2
    no = db.session.get(Event, make_event(allow_walk_ins=False).id)
    with pytest.raises(svc.NotEligible):
        svc.register_walk_in(no, rb)


def test_re_registering_after_cancel_reuses_row_with_new_token(app, ctx, make_event, make_relawan):
    ev = make_event(capacity=3)
    event, (rel,) = _load(ev.id, make_relawan(status="aktif"))
    reg = svc.register_relawan(event, rel)
    old_token = reg.token
    db.session.commit()
    svc.cancel_registration(reg)
    db.session.commit()
    again = svc.register_relawan(db.session.get(Event, ev.id), rel)
    db.session.commit()
    assert again.id == reg.id and again.status == "confirmed" and again.token != old_token
    assert count(Registration) == 1 and db.session.get(Event, ev.id).seats_taken == 1


def test_tokens_are_long_random_and_url_safe():
    tokens = {svc.new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(t) >= 24 and all(c.isalnum() or c in "-_" for c in t) for t in tokens)


def test_registrations_of_relawan_lists_their_events(app, ctx, make_event, make_relawan):
    r = make_relawan(status="aktif")
    e1, e2 = make_event(), make_event()
    rel = db.session.get(Relawan, r.id)
    for e in (e1, e2):
        svc.register_relawan(db.session.get(Event, e.id), rel)
    db.session.commit()
    assert {x.event_id for x in svc.registrations_of_relawan(r.id)} == {e1.id, e2.id}
    assert svc.registration_for(e1.id, r.id).status == RegistrationStatus.CONFIRMED


def test_calon_cannot_register_for_a_program_session_directly(app, ctx, make_event, make_relawan):
    from events.models import TrainingProgram
    program = TrainingProgram(title="P", status="published")
    db.session.add(program)
    db.session.commit()
    ev = make_event(kind="pelatihan", program_id=program.id)
    event, (rel,) = _load(ev.id, make_relawan(status="calon"))
    with pytest.raises(svc.NotEligible) as exc:
        svc.register_relawan(event, rel)
    assert "diverifikasi" in exc.value.message
    db.session.rollback()
    assert count(Registration) == 0
