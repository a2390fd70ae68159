"""Reports CLI: `flask --app app reports refresh-stats`, the job that stores the dashboard's table.

Run it from cron every few minutes (docs/deploy.md): the dashboard counts events whose stored
rows are stale live (reports/stats.py), so the job keeps pages fast, never correct.
The scale data generator for benchmarks is bench/scale.py.
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from extensions import db
from reports.stats import refresh

reports_cli = AppGroup("reports", help="Laporan: tabel statistik kehadiran dasbor.")


@reports_cli.command("refresh-stats")
@click.option("--all", "everything", is_flag=True,
              help="Hitung ulang semua kegiatan (juga yang tidak terdeteksi berubah).")
def refresh_stats(everything: bool) -> None:
    """Store the dashboard's per-event attendance rows of stale events (all with --all)."""
    n = refresh(force=everything)
    db.session.commit()
    click.echo(f"Statistik kehadiran dihitung ulang untuk {n} kegiatan.")


def register(app: Flask) -> None:
    """Add the `reports` command group."""
    app.cli.add_command(reports_cli)
