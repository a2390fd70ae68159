"""`flask outbox ...`: the worker that sends the outbox, a one-shot drain, status, a test message."""
from __future__ import annotations

import signal
import threading

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from extensions import db
from messaging import services, worker
from messaging.models import Channel, Message

outbox_cli = AppGroup("outbox", help="Kotak keluar pesan (WhatsApp dan email).")


@outbox_cli.command("drain")
def drain_command():
    """Send every due message once, then stop (cron, tests, after an outage)."""
    done = worker.drain()
    click.echo(f"Terkirim {len(done.sent)}, dijadwalkan ulang {len(done.retried)}, "
               f"gagal {len(done.failed)}.")


@outbox_cli.command("work")
@click.option("--poll", type=click.FloatRange(min=0.1), default=2.0, show_default=True,
              help="Detik menunggu bila antrean kosong.")
def work_command(poll):
    """Keep sending: drain, wait, repeat, until SIGTERM or Ctrl-C (systemd: docs/deploy.md)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    for channel in Channel:
        missing = services.missing_settings(channel)
        if missing:
            click.echo(f"{channel}: belum dikonfigurasi ({', '.join(missing)}); pesannya tidak "
                       "dapat dikirim.")
    click.echo(f"Pengirim kotak keluar berjalan ({worker.worker_id()}).")
    worker.work(stop, poll_seconds=poll)
    click.echo("Pengirim kotak keluar berhenti.")


@outbox_cli.command("status")
def status_command():
    """How many messages are in each status."""
    counts = db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all()
    for status, n in sorted(counts):
        click.echo(f"{status}: {n}")
    if not counts:
        click.echo("Kotak keluar kosong.")


@outbox_cli.command("test")
@click.option("--to", "to", required=True, help="Nomor HP (+62...) atau alamat email tujuan.")
def test_command(to):
    """Put a test message in the outbox for TO (the worker sends it)."""
    is_email = "@" in to
    recipient = services.Recipient(name="Admin", email=to if is_email else None,
                                   phone=None if is_email else to)
    message = services.enqueue(recipient, "test", {}, cause="cli")
    db.session.commit()
    click.echo(f"Pesan uji #{message.id} lewat {message.channel} ke {message.recipient}: "
               f"{message.status}{' (' + message.last_error + ')' if message.last_error else ''}.")


def register(app: Flask) -> None:
    """Add `flask outbox` to the app."""
    app.cli.add_command(outbox_cli)
