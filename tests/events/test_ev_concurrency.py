"""Capacity under concurrency: 20 threads race for the last 5 seats."""
import threading

from sqlalchemy import select

from events.models import Event, Registration
from events.services import registration as svc
from extensions import db
from relawan.models import Relawan


def test_twenty_threads_for_last_five_seats(app, make_event, make_relawan):
    ev = make_event(capacity=25)
    with app.app_context():
        db.session.execute(db.update(Event).where(Event.id == ev.id).values(seats_taken=20))
        db.session.commit()
    relawan_ids = [make_relawan(status="aktif").id for _ in range(20)]
    barrier = threading.Barrier(20)
    results, errors = [], []

    def worker(relawan_id):
        with app.app_context():
            try:
                # Wait before touching the DB: a thread holding a pooled connection at the
                # barrier could starve the others (pool_size 5 + overflow 10 < 20 threads).
                barrier.wait(timeout=30)
                event = db.session.get(Event, ev.id)
                relawan = db.session.get(Relawan, relawan_id)
                reg = svc.register_relawan(event, relawan)
                status = reg.status
                db.session.commit()
                results.append(status)
            except Exception as exc:  # noqa: BLE001 - any error fails the test
                db.session.rollback()
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(rid,)) for rid in relawan_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(results) == ["confirmed"] * 5 + ["waitlisted"] * 15
    with app.app_context():
        assert db.session.get(Event, ev.id).seats_taken == 25
        statuses = db.session.scalars(select(Registration.status).where(Registration.event_id == ev.id)).all()
        assert statuses.count("confirmed") == 5 and statuses.count("waitlisted") == 15


def test_concurrent_cancellations_promote_each_waitlisted_person_once(app, make_event, make_relawan):
    ev = make_event(capacity=5)
    people = [make_relawan(status="aktif").id for _ in range(10)]
    with app.app_context():
        event = db.session.get(Event, ev.id)
        regs = [svc.register_relawan(event, db.session.get(Relawan, rid)) for rid in people]
        db.session.commit()
        confirmed_ids = [r.id for r in regs if r.status == "confirmed"]
    assert len(confirmed_ids) == 5
    barrier = threading.Barrier(5)
    errors = []

    def worker(reg_id):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                svc.cancel_registration(db.session.get(Registration, reg_id))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001
                db.session.rollback()
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(rid,)) for rid in confirmed_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with app.app_context():
        statuses = db.session.scalars(select(Registration.status).where(Registration.event_id == ev.id)).all()
        assert statuses.count("cancelled") == 5 and statuses.count("confirmed") == 5
        assert statuses.count("waitlisted") == 0
        assert db.session.get(Event, ev.id).seats_taken == 5
