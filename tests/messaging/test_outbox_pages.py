"""The admin outbox page, resend, the texts page and the WhatsApp webhook."""
from __future__ import annotations

import hashlib
import hmac
import json

from sqlalchemy import select

from auth.models import AuditEntry
from extensions import db
from messaging import services
from messaging.models import Message
from messaging.services import Recipient

SECRET = "app-secret-uji"


def _message(app, status="failed", error="WhatsApp 400 (kode 131030, OAuthException): ditolak",
             provider_id=None) -> int:
    with app.app_context():
        m = services.enqueue(Recipient("Siti", phone="+6281234567890"), "test", {})
        m.status, m.last_error, m.provider_id = status, error, provider_id
        db.session.commit()
        return m.id


def test_outbox_lists_failures_with_the_providers_reason_and_filters_by_status(app, login_as, cloud_api):
    failed = _message(app)
    _message(app, status="sent", error=None)
    admin = login_as("admin")
    page = admin.get("/admin/pesan/?status=failed").get_data(as_text=True)
    assert f'id="pesan-{failed}"' in page and page.count('id="pesan-') == 1
    assert "kode 131030" in page
    everything = admin.get("/admin/pesan/").get_data(as_text=True)
    assert everything.count('id="pesan-') == 2


def test_bad_filter_values_get_a_message_not_an_error(app, login_as):
    resp = login_as("admin").get("/admin/pesan/?status=hilang&tanggal=2026-13-01")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Status tidak dikenal." in page and 'class="error"' in page


def test_unconfigured_providers_are_said_once_on_the_outbox_page_only(app, login_as):
    admin = login_as("admin")
    page = admin.get("/admin/pesan/").get_data(as_text=True)
    assert page.count("Belum semua saluran dapat mengirim") == 1
    assert "WHATSAPP_TOKEN" in page and "MAIL_SERVER" in page
    assert "Belum semua saluran" not in admin.get("/admin/pesan/templat").get_data(as_text=True)


def test_resend_queues_a_copy_and_is_audited(app, login_as, cloud_api):
    mid = _message(app)
    admin = login_as("admin")
    resp = admin.post("/admin/pesan/kirim-ulang", data={"message_id": mid})
    assert resp.status_code == 302
    with app.app_context():
        copy = db.session.scalar(select(Message).where(Message.resend_of_id == mid))
        assert copy.status == "queued" and copy.cause_user_id == admin.user.id
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "message.resend"))
        assert entry.target_id == str(copy.id) and entry.details["resend_of"] == mid
    assert cloud_api.requests == []  # the web request only enqueues


def test_resend_of_a_queued_message_is_refused(app, login_as, cloud_api):
    mid = _message(app, status="queued", error=None)
    resp = login_as("admin").post("/admin/pesan/kirim-ulang", data={"message_id": mid})
    assert resp.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(Message).where(Message.resend_of_id == mid)) is None


def test_a_provider_that_hangs_does_not_hold_up_a_web_request(app, login_as, cloud_api):
    cloud_api.hang.set()  # any request to the provider would now wait
    mid = _message(app)
    resp = login_as("admin").post("/admin/pesan/kirim-ulang", data={"message_id": mid})
    assert resp.status_code == 302
    assert cloud_api.requests == [] and not cloud_api.arrived.is_set()


def test_templates_page_shows_the_indonesian_texts(app, login_as):
    page = login_as("admin").get("/admin/pesan/templat").get_data(as_text=True)
    assert "Tiket pendaftaran kegiatan" in page and "Pendaftaran Anda terkonfirmasi." in page
    assert "tiket_kegiatan" in page


def test_webhook_handshake_answers_the_challenge_with_the_verify_token(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_VERIFY_TOKEN", "verif-123")
    ok = client.get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verif-123&hub.challenge=987")
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "987"
    bad = client.get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=987")
    assert bad.status_code == 403


def _statuses(*items) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp", "statuses": list(items)}}]}]}
    ).encode()


def _post(client, body: bytes, secret: str = SECRET):
    sig = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post("/webhooks/whatsapp", data=body, content_type="application/json",
                       headers={"X-Hub-Signature-256": sig})


def test_webhook_records_delivery_statuses_in_order(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_APP_SECRET", SECRET)
    mid = _message(app, status="sent", error=None, provider_id="wamid.ABC")
    read = {"id": "wamid.ABC", "status": "read", "timestamp": "1764400000", "recipient_id": "62812"}
    assert _post(client, _statuses(read)).status_code == 200
    late = {"id": "wamid.ABC", "status": "delivered", "timestamp": "1764399990"}
    assert _post(client, _statuses(late)).status_code == 200  # arrives late: read stays
    with app.app_context():
        assert db.session.get(Message, mid).delivery_status == "read"


def test_webhook_records_a_failed_delivery_with_its_reason(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_APP_SECRET", SECRET)
    mid = _message(app, status="sent", error=None, provider_id="wamid.XYZ")
    failed = {"id": "wamid.XYZ", "status": "failed", "timestamp": "1764400000", "errors": [
        {"code": 131026, "title": "Message undeliverable",
         "error_data": {"details": "Receiver is incapable of receiving this message"}}]}
    assert _post(client, _statuses(failed)).status_code == 200
    with app.app_context():
        row = db.session.get(Message, mid)
        assert row.delivery_status == "failed" and "131026" in row.last_error


def test_webhook_refuses_a_wrong_signature_and_changes_nothing(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_APP_SECRET", SECRET)
    mid = _message(app, status="sent", error=None, provider_id="wamid.SIG")
    body = _statuses({"id": "wamid.SIG", "status": "read", "timestamp": "1764400000"})
    assert _post(client, body, secret="bukan-rahasia").status_code == 403
    assert client.post("/webhooks/whatsapp", data=body, content_type="application/json").status_code == 403
    with app.app_context():
        assert db.session.get(Message, mid).delivery_status is None
