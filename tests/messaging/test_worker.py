"""The worker: every message sent exactly once with two workers, a killed worker's claim is
taken over after the lease, the CLI commands."""
from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from extensions import db
from messaging import services, worker
from messaging.models import Message
from messaging.services import Recipient
from tests.messaging.conftest import PHONE_NUMBER_ID, TOKEN
from timeutil import utcnow

ROOT = Path(__file__).resolve().parents[2]


def _queue_many(n: int) -> list[int]:
    ids = [services.enqueue(Recipient(f"Orang {i}", phone=f"+62812000{i:05d}"), "test", {},
                            cause="system").id for i in range(n)]
    db.session.commit()
    return ids


def test_two_workers_draining_together_send_each_message_exactly_once(app, ctx, cloud_api):
    ids = _queue_many(60)
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def run(name):
        with app.app_context():
            try:
                barrier.wait()
                results[name] = worker.drain(name)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in ("worker-1", "worker-2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    per_recipient = collections.Counter(r["json"]["to"] for r in cloud_api.requests)
    assert len(per_recipient) == 60 and set(per_recipient.values()) == {1}
    assert sorted(results["worker-1"].sent + results["worker-2"].sent) == ids
    rows = db.session.scalars(select(Message)).all()
    assert {m.status for m in rows} == {"sent"} and {m.attempts for m in rows} == {1}
    assert len({m.provider_id for m in rows}) == 60


def test_a_claim_by_another_worker_is_not_taken_before_the_lease_ends(ctx, cloud_api):
    (mid,) = _queue_many(1)
    assert worker.claim("other") == [mid]
    assert worker.drain("me").total == 0
    assert cloud_api.requests == []


def test_a_worker_killed_mid_send_does_not_lose_the_message(app, ctx, cloud_api):
    """A real `flask outbox work` process is killed (SIGKILL) while the provider holds its
    request; after the lease another worker sends the message, which is then sent."""
    (mid,) = _queue_many(1)
    cloud_api.hang.set()
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY="worker-test", WHATSAPP_API_BASE=cloud_api.url,
               WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID, WHATSAPP_TOKEN=TOKEN)
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "outbox", "work"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert cloud_api.arrived.wait(60), "the worker never reached the provider"
        row = db.session.get(Message, mid)
        assert row.status == "sending" and row.claimed_by
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    cloud_api.hang.clear()
    cloud_api.release.set()
    db.session.rollback()
    assert worker.drain("survivor").total == 0  # the lease has not ended yet
    lease = timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"])
    assert worker.drain("survivor", now=utcnow() + lease + timedelta(seconds=1)).sent == [mid]
    row = db.session.get(Message, mid)
    db.session.refresh(row)
    assert row.status == "sent" and row.attempts == 2 and row.claimed_by is None
    assert len(cloud_api.requests) == 2


def test_outbox_drain_command_sends_and_says_what_it_did(app, ctx, runner, cloud_api):
    _queue_many(2)
    result = runner.invoke(args=["outbox", "drain"])
    assert result.exit_code == 0, result.output
    assert "Terkirim 2" in result.output
    assert len(cloud_api.requests) == 2


def test_outbox_test_command_queues_a_test_message(app, ctx, runner, smtp_server):
    result = runner.invoke(args=["outbox", "test", "--to", "admin@contoh.id"])
    assert result.exit_code == 0, result.output
    (row,) = db.session.scalars(select(Message)).all()
    assert (row.channel, row.recipient, row.template, row.status) == (
        "email", "admin@contoh.id", "test", "queued")
