"""One progress(program, relawan_id): the program page, the relawan history and certificate hours."""
from __future__ import annotations

from auth.models import User
from events.models import Event, TrainingProgram
from events.training import progress
from extensions import db
from relawan.models import Relawan
from tests.conftest import login


def test_progress_counts_check_ins_never_izin_and_skips_cancelled_sessions(world, ctx):
    program = db.session.get(TrainingProgram, world.ids.program)
    b = progress(program, world.p["B"].id)  # S1 izin, S2 late check-in
    assert (b.attended_count, b.total, b.needed, b.met, b.hours) == (1, 2, 2, False, 3.0)
    a = progress(program, world.p["A"].id)
    assert (a.attended_count, a.met, a.hours) == (2, True, 6.0)
    db.session.get(Event, world.ids.s2).status = "cancelled"
    db.session.flush()
    db.session.expire(program)
    b = progress(program, world.p["B"].id)
    assert (b.attended_count, b.total, b.needed, b.met) == (0, 1, 1, False)


def test_program_page_and_relawan_history_show_the_same_progress(world, app, client):
    with app.app_context():
        user = db.session.get(User, db.session.get(Relawan, world.p["D"].id).user_id)
        db.session.expunge(user)
    login(client, user)
    page = client.get(f"/program/{world.ids.program}").get_data(as_text=True)
    assert "Kehadiran: 1</strong> sesi dari 2 sesi wajib" in page
    history = client.get(f"/laporan/relawan/{world.p['D'].id}").get_data(as_text=True)
    assert "1 dari 2 sesi dihadiri (syarat: 2 sesi wajib)" in history
