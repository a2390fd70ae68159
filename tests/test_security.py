"""Security headers, cookies, error pages, logs, and no inline script/style anywhere (issue 6.1)."""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from app import create_app
from helpers import logging as app_logging
from helpers.security import CSP
from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent


def _assert_security_headers(resp, *, https: bool = False):
    h = resp.headers
    csp = h["Content-Security-Policy"]
    assert csp == CSP
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp.replace("'wasm-unsafe-eval'", "")
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp
    assert "worker-src 'self' blob:" in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert h["X-Frame-Options"] == "DENY"
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,64}", h["X-Request-ID"])
    if https:
        assert h["Strict-Transport-Security"].startswith("max-age=31536000")
    else:
        assert "Strict-Transport-Security" not in h


@pytest.mark.parametrize("path", ["/masuk", "/healthz", "/static/css/app.css", "/tidak-ada-halaman-ini",
                                  "/api/v1/tidak-ada"])
def test_headers_on_html_json_static_and_error_responses(client, path):
    resp = client.get(path)
    _assert_security_headers(resp)


def test_hsts_only_over_https(client):
    resp = client.get("/masuk", base_url="https://localhost")
    _assert_security_headers(resp, https=True)


def test_proxy_forwarded_https_gets_hsts(make_user):
    """Behind nginx (BEHIND_PROXY=1) X-Forwarded-Proto: https counts as HTTPS."""
    proxied = create_app({"TESTING": True, "BEHIND_PROXY": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    resp = proxied.test_client().get("/masuk", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in resp.headers


def test_request_id_from_proxy_is_kept_when_well_formed_and_replaced_otherwise(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123.x"}).headers["X-Request-ID"] == "abc-123.x"
    for bad in ['a b{"x":1}', "x" * 65, "<script>"]:
        got = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert got != bad and re.fullmatch(r"[0-9a-f]{16}", got)


def test_session_cookie_is_httponly_lax_and_secure_when_configured(app, make_user):
    user = make_user("panitia")
    secure = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                         "SESSION_COOKIE_SECURE": True,
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    c = secure.test_client()
    resp = c.post("/masuk", data={"identifier": user.email, "password": "rahasia-123"},
                  base_url="https://localhost")
    assert resp.status_code == 302
    cookie = next(v for k, v in resp.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_default_session_cookie_httponly_lax(client, make_user):
    user = make_user("panitia")
    resp = client.post("/masuk", data={"identifier": user.email, "password": "rahasia-123"})
    cookie = next(v for k, v in resp.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_for_logged_in_users_are_not_cached(client, make_user):
    login(client, make_user("panitia"))
    assert client.get("/").headers["Cache-Control"] == "private, no-store"
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


@pytest.fixture(scope="module")
def crashing_app(app):
    """A separate app (same database) with test-only routes, as in production: exceptions are
    not propagated. The session app stays untouched, so the access matrix never sees these."""
    from flask import abort
    capp = create_app({"TESTING": False, "PROPAGATE_EXCEPTIONS": False, "RATELIMIT_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})

    def _boom():
        raise RuntimeError("Traceback-marker: secret internal detail")
    capp.add_url_rule("/_uji/boom", "_boom", _boom)
    capp.add_url_rule("/api/v1/_uji/boom", "_boom_api", _boom)
    capp.add_url_rule("/_uji/abort/<int:code>", "_abort", lambda code: abort(code))
    return capp


def test_forced_500_shows_indonesian_page_without_traceback(crashing_app, caplog):
    with caplog.at_level(logging.ERROR):
        resp = crashing_app.test_client().get("/_uji/boom")
    assert resp.status_code == 500
    body = resp.get_data(as_text=True)
    assert "Terjadi kesalahan pada server" in body
    assert "Traceback" not in body and "secret internal detail" not in body and "RuntimeError" not in body
    assert resp.headers["X-Request-ID"] in body  # the code people quote to the admin
    _assert_security_headers(resp)
    assert any("secret internal detail" in (r.exc_text or str(r.exc_info)) for r in caplog.records)


def test_forced_500_under_api_is_json(crashing_app):
    resp = crashing_app.test_client().get("/api/v1/_uji/boom")
    assert resp.status_code == 500
    assert resp.json["result"] == "error" and "Traceback" not in resp.get_data(as_text=True)


@pytest.mark.parametrize("code,words", [(400, "tidak dapat diproses"), (403, "Akses ditolak"),
                                        (404, "tidak ditemukan"), (429, "Terlalu banyak"),
                                        (500, "kesalahan pada server")])
def test_error_pages_are_indonesian(crashing_app, code, words):
    resp = crashing_app.test_client().get(f"/_uji/abort/{code}")
    assert resp.status_code == code
    body = resp.get_data(as_text=True)
    assert words in body and 'lang="id"' in body
    _assert_security_headers(resp)


def test_json_log_line_carries_request_id(app, capsys):
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "halo %s", ("dunia",), None)
    with app.test_request_context("/x", headers={"X-Request-ID": "req-42"}):
        from flask import g
        g.request_id = "req-42"
        app_logging.RequestContextFilter().filter(record)
    line = json.loads(app_logging.JsonFormatter().format(record))
    assert line["msg"] == "halo dunia" and line["request_id"] == "req-42" and line["path"] == "/x"


def test_access_log_line_per_request(app, caplog):
    app.config["LOG_ACCESS_IN_TESTS"] = True
    try:
        with caplog.at_level(logging.INFO, logger="access"):
            app.test_client().get("/healthz", headers={"X-Request-ID": "akses-1"})
    finally:
        app.config["LOG_ACCESS_IN_TESTS"] = False
    rec = next(r for r in caplog.records if r.name == "access")
    assert rec.request_id == "akses-1" and rec.status == 200


# --- No inline script, inline style or event-handler attribute in templates and our JS -------
_SCRIPT_BODY = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
_STYLE_ATTR = re.compile(r"\sstyle\s*=", re.IGNORECASE)
_ON_ATTR = re.compile(r"\son[a-z]+\s*=\s*[\"'{]", re.IGNORECASE)
_JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.IGNORECASE)


def _template_files():
    files = sorted((ROOT / "templates").rglob("*.html"))
    assert files, "no templates found"
    return files


def test_templates_have_no_inline_script_style_or_handlers():
    problems = []
    for path in _template_files():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        for m in _SCRIPT_BODY.finditer(text):
            body = m.group(1).strip()
            # <script type="application/json"> data islands are not executed, so CSP allows them.
            if body and "application/json" not in m.group(0)[:80]:
                problems.append(f"{rel}: inline <script> body")
        if _STYLE_TAG.search(text):
            problems.append(f"{rel}: <style> element")
        if _STYLE_ATTR.search(text):
            problems.append(f"{rel}: style= attribute")
        for m in _ON_ATTR.finditer(text):
            problems.append(f"{rel}: event-handler attribute {m.group(0).strip()}")
        if _JS_URL.search(text):
            problems.append(f"{rel}: javascript: URL")
    assert not problems, "inline code is blocked by the CSP:\n" + "\n".join(problems)


def test_our_javascript_adds_no_inline_handlers_or_eval():
    problems = []
    for path in sorted((ROOT / "static" / "js").rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        if re.search(r"setAttribute\(\s*[\"']on[a-z]+[\"']", text) or re.search(r"\.innerHTML\s*=.*\son[a-z]+=", text):
            problems.append(f"{rel}: inline event handler")
        if re.search(r"setAttribute\(\s*[\"']style[\"']|innerHTML\s*=.*\sstyle=|<style", text):
            problems.append(f"{rel}: inline style (use classes from static/css)")
        if re.search(r"\beval\(|new Function\(", text):
            problems.append(f"{rel}: eval / new Function (blocked by the CSP)")
    assert not problems, "\n".join(problems)


def test_rendered_pages_have_no_inline_script_or_style(client):
    for path in ["/masuk", "/", "/tidak-ada"]:
        html = client.get(path).get_data(as_text=True)
        assert not [b for b in _SCRIPT_BODY.findall(html) if b.strip()], path
        assert not _STYLE_ATTR.search(html) and not _ON_ATTR.search(html), path
