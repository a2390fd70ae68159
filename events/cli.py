"""Events CLI: `flask training recompute`, `flask events remind` and `flask demo-data`."""
import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from extensions import db

training_cli = AppGroup("training", help="Program pelatihan.")
events_cli = AppGroup("events", help="Kegiatan.")


@events_cli.command("remind")
@click.option("--jam", "hours", type=click.IntRange(1, 168), default=36, show_default=True,
              help="Kegiatan yang mulai dalam sekian jam ke depan.")
@click.option("--dry-run", is_flag=True, help="Hanya tampilkan siapa yang akan dikirimi.")
def remind(hours, dry_run):
    """Queue the day-before reminder (WhatsApp, or email with the ticket QR) once per confirmed
    registration; the outbox worker sends it. Run it hourly (cron / systemd timer)."""
    from events.services import reminders

    if dry_run:
        regs = reminders.due(hours=hours)
        for reg in regs:
            click.echo(f"{reg.event.title} ({reg.event.starts_at:%Y-%m-%d %H:%M} UTC): {reg.display_name}")
        click.echo(f"{len(regs)} pengingat akan diantrekan; "
                   f"{reminders.count_unreachable(hours=hours)} peserta tanpa nomor HP dan email.")
        return
    run = reminders.queue_due(hours=hours)
    db.session.commit()
    click.echo(f"{len(run.queued)} pengingat masuk antrean pesan (dikirim oleh 'outbox work'), "
               f"{run.unreachable} peserta tanpa nomor HP dan email.")


@training_cli.command("remind-refresher")
def remind_refresher():
    """Queue the refresher reminder once per certificate ending within 60 days (or ended); the
    outbox worker sends it. Run it daily (systemd timer, docs/deploy.md)."""
    from events.training import refresher

    queued = refresher.remind_due()
    db.session.commit()
    click.echo(f"{queued} pengingat pelatihan penyegaran masuk antrean pesan.")


@training_cli.command("recompute")
def recompute():
    """Re-apply every program's completion rule; print who completed what."""
    from events.models import TrainingProgram
    from events.training import recompute_all
    from relawan.models import Relawan

    changed = recompute_all()
    db.session.commit()
    if not changed:
        click.echo("Tidak ada perubahan: belum ada peserta baru yang memenuhi aturan kelulusan.")
        return
    for relawan_id, program_ids in changed.items():
        relawan = db.session.get(Relawan, relawan_id)
        for program_id in program_ids:
            program = db.session.get(TrainingProgram, program_id)
            click.echo(f"Lulus: {relawan.full_name} (id {relawan_id}) - {program.title}; status {relawan.status}")
    click.echo(f"{sum(len(v) for v in changed.values())} kelulusan baru.")


@click.command("demo-data")
@with_appcontext
@click.option("--seed", type=int, default=2026, help="Benih acak (hasil dapat diulang).")
def demo_data(seed):
    """Load demo data (sosialisasi at PKPRI, a 4-session training, ~50 registrants).

    Scale data for benchmarks: bench/scale.py."""
    from events.demo import DemoExists, load_demo
    try:
        summary = load_demo(seed=seed)
        db.session.commit()
    except DemoExists as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    for line in summary:
        click.echo(line)


def register(app: Flask) -> None:
    app.cli.add_command(training_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(demo_data)
