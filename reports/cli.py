"""Reports CLI: `flask --app app reports scale` (bulk scale data for benchmarks and demos)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from extensions import db

reports_cli = AppGroup("reports", help="Laporan: data skala besar untuk benchmark.")


@reports_cli.command("scale")
@click.option("--relawan", "n_relawan", type=int, default=100_000, show_default=True)
@click.option("--events", "n_events", type=int, default=500, show_default=True)
@click.option("--checkins", "n_checkins", type=int, default=1_000_000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def scale(n_relawan: int, n_events: int, n_checkins: int, seed: int) -> None:
    """Insert fake relawan, events, registrations and check-ins in bulk (minutes, not hours)."""
    from reports.scale import generate

    if min(n_relawan, n_events, n_checkins) < 0:
        raise click.BadParameter("Jumlah tidak boleh negatif.")
    click.echo(f"Membuat {n_relawan} relawan, {n_events} kegiatan, {n_checkins} check-in ...")
    result = generate(n_relawan, n_events, n_checkins, seed=seed, log=click.echo)
    db.session.commit()
    click.echo(f"Selesai dalam {result['seconds']} detik: {result}")




@reports_cli.command("refresh-stats")
def refresh_stats() -> None:
    """Recompute the dashboard's per-event attendance table for every event."""
    from reports.stats import refresh

    n = refresh(force=True)
    click.echo(f"Statistik kehadiran dihitung ulang untuk {n} kegiatan.")


def register(app: Flask) -> None:
    """Add the `reports` command group."""
    app.cli.add_command(reports_cli)
