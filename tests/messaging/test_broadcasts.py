"""Broadcasts (issue 12.7): segments counted against the database, the koordinator's kecamatan,
preview counts equal to the messages written, the opt-out link (never applied on GET), the
audit entry and the worker delivering a broadcast with its opt-out link to the fake servers."""
from __future__ import annotations

import re
import secrets

import pytest
from sqlalchemy import func, select, update

from auth.models import AuditEntry, Role, User
from events.checkin_models import CheckIn
from events.models import Registration
from extensions import db
from messaging import broadcasts, optouts, services, worker
from messaging.broadcasts import OutsideScope, Segment
from messaging.models import Broadcast, BroadcastOptOut, Message
from relawan import data_rights
from relawan.models import Relawan
from timeutil import utcnow

KASEMEN, SERANG = "36.73.02", "36.73.01"
KEL_KASEMEN, KEL_KASEMEN_2, KEL_SERANG = "36.73.02.1001", "36.73.02.1002", "36.73.01.1008"


def _register(event, relawan=None, *, status="confirmed", checked_in=False, **guest):
    reg = Registration(event_id=event.id, relawan_id=relawan.id if relawan else None,
                       status=status, token=secrets.token_urlsafe(16), **guest)
    db.session.add(reg)
    db.session.flush()
    if checked_in:
        db.session.add(CheckIn(registration_id=reg.id, event_id=event.id,
                               scan_id=secrets.token_hex(8), scanned_at=utcnow()))
    db.session.commit()
    return reg


@pytest.fixture
def hall(ctx, make_event, make_relawan):
    """An event: 3 confirmed relawan (one checked in, one in Serang), a checked-in guest, two
    waitlisted people and a cancelled one."""
    event = make_event()
    rel = [make_relawan(kelurahan_kode=KEL_KASEMEN) for _ in range(5)] + [
        make_relawan(kelurahan_kode=KEL_SERANG)]
    _register(event, rel[0], checked_in=True)
    _register(event, rel[1])
    _register(event, rel[5])
    _register(event, guest_name="Pak Lurah", guest_phone="+6281299990001",
              guest_kelurahan_kode=KEL_KASEMEN, checked_in=True)
    _register(event, rel[2], status="waitlisted")
    _register(event, guest_name="Bu Guru", guest_email="guru@sekolah.id", status="waitlisted")
    _register(event, rel[3], status="cancelled")
    return event


def _db_count(event_id, *where) -> int:
    return db.session.scalar(select(func.count(Registration.id))
                             .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
                             .where(Registration.event_id == event_id, *where))


def test_event_segments_are_the_registrants_the_database_holds(hall):
    def size(group):
        return len(broadcasts.recipients(Segment("kegiatan", event_id=hall.id, group=group)))

    assert size("semua") == _db_count(hall.id, Registration.status != "cancelled") == 6
    assert size("hadir") == _db_count(hall.id, CheckIn.id.is_not(None)) == 2
    assert size("belum_hadir") == _db_count(
        hall.id, Registration.status == "confirmed", CheckIn.id.is_(None)) == 2
    assert size("daftar_tunggu") == _db_count(hall.id, Registration.status == "waitlisted") == 2
    # A koordinator's scope keeps only the registrants living in their kecamatan.
    scoped = broadcasts.scoped(Segment("kegiatan", event_id=hall.id, group="semua"), SERANG)
    assert len(broadcasts.recipients(scoped)) == 1


def test_relawan_segments_by_status_kecamatan_and_kelurahan(ctx, make_relawan):
    for status, kel in [("aktif", KEL_KASEMEN), ("aktif", KEL_KASEMEN_2), ("aktif", KEL_SERANG),
                        ("calon", KEL_KASEMEN), ("terverifikasi", KEL_SERANG)]:
        make_relawan(status=status, kelurahan_kode=kel)
    gone = make_relawan(status="aktif", kelurahan_kode=KEL_KASEMEN)
    db.session.execute(update(Relawan).where(Relawan.id == gone.id).values(anonymized_at=utcnow()))
    db.session.commit()

    def size(**kw):
        return len(broadcasts.recipients(Segment("relawan", **kw)))

    def in_db(*where):
        return db.session.scalar(select(func.count(Relawan.id))
                                 .where(Relawan.anonymized_at.is_(None), *where))

    assert size() == in_db() == 5
    assert size(status="aktif") == in_db(Relawan.status == "aktif") == 3
    assert size(status="aktif", kecamatan=KASEMEN) == in_db(
        Relawan.status == "aktif", Relawan.kelurahan_kode.like(KASEMEN + ".%")) == 2
    assert size(kelurahan=KEL_KASEMEN) == in_db(Relawan.kelurahan_kode == KEL_KASEMEN) == 2
    assert size(kecamatan=SERANG) == in_db(Relawan.kelurahan_kode.like(SERANG + ".%")) == 2


def _preview(client, data) -> dict[str, int]:
    resp = client.post("/kelola/siaran/baru", data=data)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    html = resp.get_data(as_text=True)
    counts = {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}
    key = re.search(r'name="request_key" value="([^"]+)"', html).group(1)
    expected = int(re.search(r'name="expected" value="(\d+)"', html).group(1))
    return {**counts, "key": key, "expected": expected}


def test_preview_counts_equal_the_messages_written_and_the_send_is_audited(
        app, hall, login_as, cloud_api, smtp_server):
    # One registrant with no phone and no email: counted, not written.
    reg = db.session.scalars(select(Registration).where(Registration.event_id == hall.id,
                                                        Registration.status == "waitlisted",
                                                        Registration.relawan_id.is_not(None))).one()
    db.session.execute(update(User).where(User.id == reg.relawan.user_id).values(phone=None, email=None))
    db.session.commit()
    panitia = login_as(Role.PANITIA)
    form = {"jenis": "kegiatan", "kegiatan": str(hall.id), "kelompok": "semua",
            "judul": "Perubahan ruangan", "pesan": "Acara pindah ke Aula 2."}
    preview = _preview(panitia, form)
    assert db.session.scalar(select(func.count(Message.id))) == 0  # the preview wrote nothing
    assert (preview["whatsapp"], preview["email"], preview["unreachable"], preview["opted_out"]) == (4, 1, 1, 0)

    resp = panitia.post("/kelola/siaran/kirim", data={
        **form, "request_key": preview["key"], "expected": preview["expected"]})
    assert resp.status_code == 302
    broadcast = db.session.scalars(select(Broadcast)).one()
    assert resp.headers["Location"].endswith(f"/kelola/siaran/{broadcast.id}")
    by_channel = dict(db.session.execute(select(Message.channel, func.count()).where(
        Message.broadcast_id == broadcast.id).group_by(Message.channel)).all())
    assert by_channel == {"whatsapp": preview["whatsapp"], "email": preview["email"]}
    assert (broadcast.recipients_total, broadcast.unreachable_count) == (preview["expected"], 1)
    assert broadcast.author_id == panitia.user.id and broadcast.segment["event_id"] == hall.id
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "broadcast.send")).one()
    assert entry.target_id == str(broadcast.id) and entry.rows == 5
    page = panitia.get(f"/kelola/siaran/{broadcast.id}").get_data(as_text=True)
    assert "Perubahan ruangan" in page and 'data-status="queued">5<' in page
    assert "0812-****-0001" in page and "+6281299990001" not in page  # panitia: masked numbers

    # A second click on "Kirim" (same key) sends nothing more.
    again = panitia.post("/kelola/siaran/kirim", data={
        **form, "request_key": preview["key"], "expected": preview["expected"]})
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/{broadcast.id}")
    assert db.session.scalar(select(func.count(Message.id))) == 5
    assert db.session.scalar(select(func.count(Broadcast.id))) == 1


def test_a_segment_that_changed_since_the_preview_or_is_empty_is_shown_again_not_sent(
        hall, login_as, make_event):
    panitia = login_as(Role.PANITIA)
    form = {"jenis": "kegiatan", "kegiatan": str(hall.id), "kelompok": "semua",
            "judul": "Info", "pesan": "Halo"}
    resp = panitia.post("/kelola/siaran/kirim", data={
        **form, "request_key": "k" * 32, "expected": "99"})
    assert resp.status_code == 409
    assert "Jumlah penerima berubah" in resp.get_data(as_text=True)
    back = panitia.post("/kelola/siaran/baru", data={**form, "ubah": "1"})  # "Ubah" on the preview
    assert back.status_code == 200 and 'value="Info"' in back.get_data(as_text=True)
    empty = panitia.post("/kelola/siaran/kirim", data={
        **form, "kegiatan": str(make_event().id), "request_key": "e" * 32, "expected": "0"})
    assert empty.status_code == 400 and "Tidak ada penerima" in empty.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Broadcast.id))) == 0


def test_koordinator_broadcasts_only_inside_their_kecamatan(ctx, login_as, make_relawan, make_user):
    make_relawan(status="aktif", kelurahan_kode=KEL_KASEMEN)
    make_relawan(status="aktif", kelurahan_kode=KEL_SERANG)
    koordinator = login_as(Role.KOORDINATOR, kecamatan_kode=KASEMEN)
    refused = koordinator.post("/kelola/siaran/baru", data={
        "jenis": "relawan", "kecamatan": SERANG, "judul": "Rapat", "pesan": "Rapat besok."})
    assert refused.status_code == 422 and "Pilihan tidak valid." in refused.get_data(as_text=True)
    with pytest.raises(OutsideScope):
        broadcasts.scoped(Segment("relawan", kelurahan=KEL_SERANG), KASEMEN)

    preview = _preview(koordinator, {"jenis": "relawan", "judul": "Rapat", "pesan": "Rapat besok."})
    assert preview["expected"] == 1  # "all kecamatan" is never offered: theirs is forced
    resp = koordinator.post("/kelola/siaran/kirim", data={
        "jenis": "relawan", "kecamatan": KASEMEN, "judul": "Rapat", "pesan": "Rapat besok.",
        "request_key": preview["key"], "expected": "1"})
    assert resp.status_code == 302
    own = db.session.scalars(select(Broadcast)).one()
    assert own.kecamatan_kode == KASEMEN
    assert {m.recipient for m in db.session.scalars(select(Message))} == {
        u.phone for u in db.session.scalars(select(User).join(Relawan).where(
            Relawan.kelurahan_kode == KEL_KASEMEN))}

    panitia = make_user(Role.PANITIA)
    city = broadcasts.send(Segment("relawan"), "Semua", "Untuk semua", by=panitia,
                           request_key="city-wide-key")
    db.session.commit()
    assert koordinator.get(f"/kelola/siaran/{city.id}").status_code == 404
    assert koordinator.get(f"/kelola/siaran/{own.id}").status_code == 200
    listing = koordinator.get("/kelola/siaran/").get_data(as_text=True)
    assert f"siaran-{own.id}" in listing and f"siaran-{city.id}" not in listing


def test_opt_out_link_skips_the_person_next_time_and_get_changes_nothing(
        app, client, ctx, make_relawan, make_user):
    rel = make_relawan(status="aktif")
    make_relawan(status="aktif")
    user = db.session.get(User, rel.user_id)
    name, phone, email = user.name, user.phone, user.email
    panitia = make_user(Role.PANITIA)
    first = broadcasts.send(Segment("relawan"), "Satu", "Pesan satu", by=panitia, request_key="k1")
    db.session.commit()
    message = db.session.scalars(select(Message).where(Message.broadcast_id == first.id,
                                                       Message.recipient == phone)).one()
    assert optouts.opt_out_url(message.opt_out_token) in message.body

    page = client.get(f"/berhenti/{message.opt_out_token}")
    assert page.status_code == 200 and "Ya, berhenti menerima siaran" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(BroadcastOptOut.id))) == 0  # GET never writes

    done = client.post(f"/berhenti/{message.opt_out_token}")
    assert done.status_code == 200 and 'id="selesai"' in done.get_data(as_text=True)
    assert set(db.session.scalars(select(BroadcastOptOut.address))) == {phone, email}
    assert client.post(f"/berhenti/{message.opt_out_token}").status_code == 200  # twice: no error
    assert db.session.scalar(select(func.count(BroadcastOptOut.id))) == 2

    plan = broadcasts.plan(Segment("relawan"))
    assert (plan.total, plan.opted_out) == (1, 1)
    second = broadcasts.send(Segment("relawan"), "Dua", "Pesan dua", by=panitia, request_key="k2")
    db.session.commit()
    assert second.opted_out_count == 1
    assert phone not in set(db.session.scalars(
        select(Message.recipient).where(Message.broadcast_id == second.id)))
    # Their own messages (tickets, codes) are not broadcasts: still written.
    assert services.enqueue(services.Recipient(name, phone=phone), "test", {}) is not None


def test_unknown_opt_out_link_is_not_found(client, ctx):
    assert client.get("/berhenti/tidak-ada").status_code == 404
    assert client.post("/berhenti/tidak-ada").status_code == 404
    assert db.session.scalar(select(func.count(BroadcastOptOut.id))) == 0


def test_worker_delivers_a_broadcast_with_its_opt_out_link(ctx, make_relawan, make_user, cloud_api,
                                                           smtp_server):
    by_phone = make_relawan(status="aktif")
    by_mail = make_relawan(status="aktif", phone=None)
    broadcast = broadcasts.send(Segment("relawan", status="aktif"), "Pelatihan lanjutan",
                                "Pendaftaran pelatihan lanjutan dibuka.", by=make_user(Role.PANITIA),
                                request_key="deliver")
    db.session.commit()
    result = worker.drain("test-worker")
    assert len(result.sent) == 2
    tokens = dict(db.session.execute(select(Message.recipient, Message.opt_out_token)).all())
    phone = db.session.get(User, by_phone.user_id).phone
    email = db.session.get(User, by_mail.user_id).email
    [wa] = cloud_api.requests
    assert wa["json"]["to"] == phone.lstrip("+")
    assert "Pendaftaran pelatihan lanjutan dibuka." in wa["json"]["text"]["body"]
    assert f"/berhenti/{tokens[phone]}" in wa["json"]["text"]["body"]
    [mail] = smtp_server.received
    assert mail["to"] == [email] and mail["message"]["Subject"] == "Pelatihan lanjutan"
    assert f"/berhenti/{tokens[email]}" in mail["message"].get_content()
    assert {m.status for m in db.session.scalars(
        select(Message).where(Message.broadcast_id == broadcast.id))} == {"sent"}


def test_opt_out_is_in_the_persons_export_and_erased_when_anonymised(ctx, make_relawan, make_user):
    rel = make_relawan(status="aktif")
    user = db.session.get(User, rel.user_id)
    db.session.add_all([BroadcastOptOut(address=user.phone), BroadcastOptOut(address="lain@contoh.id")])
    db.session.commit()
    relawan = db.session.get(Relawan, rel.id)
    exported = data_rights.export_data(relawan)
    assert [o["address"] for o in exported["broadcast_opt_outs"]] == [user.phone]
    data_rights.anonymise(relawan, make_user(Role.ADMIN))
    db.session.commit()
    assert list(db.session.scalars(select(BroadcastOptOut.address))) == ["lain@contoh.id"]


def test_anonymisation_erases_the_persons_outbox_rows_and_stops_those_waiting(ctx, make_relawan, make_user,
                                                                              cloud_api):
    """UU PDP: after the anonymisation the outbox holds neither their address nor their name."""
    rel = make_relawan(status="aktif", full_name="Siti Rohmah Anonim")
    user = db.session.get(User, rel.user_id)
    phone = user.phone
    me = services.Recipient(name="Siti Rohmah Anonim", phone=phone)
    sent = services.enqueue(me, "test", {}, cause="system")
    sent.status, sent.sent_at = "sent", utcnow()
    waiting = services.enqueue(me, "test", {}, cause="system")
    other = services.enqueue(services.Recipient(name="Ujang", phone="+6281311112222"), "test", {}, cause="system")
    db.session.commit()
    data_rights.anonymise(db.session.get(Relawan, rel.id), make_user(Role.ADMIN))
    db.session.commit()
    db.session.expire_all()
    for m in (db.session.get(Message, sent.id), db.session.get(Message, waiting.id)):
        columns = " ".join(str(getattr(m, c.key)) for c in Message.__table__.columns)
        assert phone not in columns and "Siti Rohmah" not in columns
        assert m.recipient == "(dihapus)" and m.body == ""
    assert db.session.get(Message, sent.id).status == "sent"
    assert db.session.get(Message, waiting.id).status == "failed"
    kept = db.session.get(Message, other.id)
    assert kept.recipient == "+6281311112222" and kept.status == "queued" and kept.body
