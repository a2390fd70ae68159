"""The scale generator at a small size: counts, unique NIKs and phones, valid structure."""
from __future__ import annotations

from sqlalchemy import func, select

from auth.models import User
from bench.scale import generate
from events.checkin_models import CheckIn
from events.models import Event, Registration
from extensions import db
from relawan.models import Relawan
from relawan.validators import parse_nik


def test_generate_small(ctx):
    out = generate(relawan=300, events=12, checkins=1500, seed=3, log=lambda *_: None)
    assert out["relawan"] == 300 and out["events"] == 12 and out["checkins"] == 1500
    count = lambda m: db.session.scalar(select(func.count()).select_from(m))
    assert count(Relawan) == 300 and count(Event) == 12 and count(CheckIn) == 1500
    assert count(Registration) >= 1500
    niks = db.session.scalars(select(Relawan.nik)).all()
    assert len(set(niks)) == 300
    for nik in niks[:50]:
        parse_nik(nik)
    phones = db.session.scalars(select(User.phone)).all()
    assert len(set(phones)) == len(phones) == 300
    assert db.session.scalar(select(func.count(func.distinct(Relawan.kelurahan_kode)))) > 30
    # a second run adds more without colliding
    generate(relawan=50, events=2, checkins=20, seed=3, log=lambda *_: None)
    assert count(Relawan) == 350
