"""Door-list size (issue 13.2): 2,000 registrations fit in under 100 KB gzipped, and the app
actually sends it compressed to a client that accepts gzip (Flask-Compress)."""
from __future__ import annotations

import gzip
import json
import random
import secrets

from sqlalchemy import func, insert, select

from events.checkin_models import CheckIn
from events.models import Registration
from extensions import db
from relawan.models import Relawan
from tests.events.test_checkin_helpers import (
    bearer,
    make_event,  # noqa: F401  (window open now)
    make_token,
)
from timeutil import utcnow

FIRST = ["Siti", "Nur", "Dewi", "Sri", "Rina", "Ayu", "Ratna", "Yuliana", "Fitri", "Lilis",
         "Euis", "Neneng", "Ahmad", "Muhammad", "Budi", "Agus", "Dedi", "Asep", "Hendra", "Rizki",
         "Iwan", "Ujang", "Eka", "Wulan", "Intan", "Maya", "Nurul", "Hana", "Tuti", "Ade"]
LAST = ["Aminah", "Rohmah", "Lestari", "Wahyuni", "Marlina", "Kurniawati", "Hidayat", "Santoso",
        "Saputra", "Setiawan", "Permana", "Maulana", "Nurhasanah", "Fauziah", "Rahmawati",
        "Suryani", "Hasanah", "Syahputra", "Firmansyah", "Gunawan", "Sutisna", "Mulyadi"]
PLACES = ["Kasemen", "Serang", "Cipocok Jaya", "Curug", "Walantaka", "Taktakan", "Cipare",
          "Lontarbaru", "Sumurpecung", "Kaligandu", "Banjaragung", "Kilasah", "Unyur"]
ORGS = ["PKK Kelurahan {}", "Karang Taruna {}", "Posyandu Melati {}", "Majelis Taklim {}",
        "SMAN 1 Kota Serang", "Puskesmas {}", "Forum Anak {}", None]


def _name(rng: random.Random) -> str:
    parts = [rng.choice(FIRST), rng.choice(LAST)]
    if rng.random() < 0.4:
        parts.insert(1, rng.choice(FIRST + LAST))
    return " ".join(parts)


def _org(rng: random.Random) -> str | None:
    org = rng.choice(ORGS)
    return org.format(rng.choice(PLACES)) if org else None


def seed(event_id: int, n: int, *, checked_in: int, seed_value: int = 13) -> None:
    """n registrations for one event by bulk insert: half relawan (with a card), half guests;
    `checked_in` of them checked in; one statement per table."""
    rng = random.Random(seed_value)
    now = utcnow()
    half = n // 2
    cards = [secrets.token_urlsafe(16) for _ in range(half)]
    db.session.execute(insert(Relawan), [
        {"full_name": _name(rng), "organisation_detail": _org(rng), "status": "aktif",
         "card_token": card, "kelurahan_kode": "36.73.02.1001"} for card in cards])
    relawan_ids = [row.id for row in db.session.execute(
        select(Relawan.id).where(Relawan.card_token.in_(cards)).order_by(Relawan.id))]
    statuses = ["confirmed"] * 17 + ["waitlisted", "cancelled", "cancelled"]
    rows = [{"event_id": event_id, "relawan_id": rid, "status": rng.choice(statuses),
             "source": "self", "token": secrets.token_urlsafe(18), "created_at": now}
            for rid in relawan_ids]
    rows += [{"event_id": event_id, "guest_name": _name(rng), "guest_instansi": _org(rng),
              "guest_phone": f"+62812{i:08d}", "status": rng.choice(statuses), "source": "guest",
              "token": secrets.token_urlsafe(18), "created_at": now} for i in range(n - half)]
    db.session.execute(insert(Registration), rows)
    reg_ids = list(db.session.scalars(select(Registration.id).where(
        Registration.event_id == event_id, Registration.status == "confirmed")))
    db.session.execute(insert(CheckIn), [
        {"registration_id": rid, "event_id": event_id, "scanned_at": now, "recorded_at": now,
         "method": "qr"} for rid in rng.sample(reg_ids, checked_in)])
    db.session.commit()


def test_two_thousand_registrations_fit_in_100_kb_gzipped(app, client, make_user, make_event):
    event = make_event()
    with app.app_context():
        seed(event.id, 2000, checked_in=600)
    headers = bearer(make_token(app, make_user("panitia")))
    resp = client.get(f"/api/v1/events/{event.id}/door-list", headers=headers)
    assert resp.status_code == 200 and "Content-Encoding" not in resp.headers
    body = resp.get_data()
    data = json.loads(body)
    with app.app_context():
        assert len(data["items"]) == 2000 == db.session.scalar(
            select(func.count()).select_from(Registration).where(Registration.event_id == event.id))
        assert sum(1 for item in data["items"] if item[5]) == 600 == db.session.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.event_id == event.id))
    assert sum(1 for item in data["items"] if item[1]) == 1000  # the relawan's cards
    gzipped = len(gzip.compress(body))
    assert gzipped < 100 * 1024, f"{gzipped / 1024:.1f} KB gzipped ({len(body) / 1024:.0f} KB raw)"

    wire = client.get(f"/api/v1/events/{event.id}/door-list",
                      headers={**headers, "Accept-Encoding": "gzip"})
    assert wire.status_code == 200 and wire.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in wire.headers.get("Vary", "")
    assert len(wire.get_data()) < 100 * 1024
    unzipped = json.loads(gzip.decompress(wire.get_data()))
    assert unzipped["items"] == data["items"] and unzipped["full"] is True
