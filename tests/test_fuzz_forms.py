"""Fuzzing every HTML form endpoint (issue 6.3): never a 5xx, whatever the body.

Every POST rule outside /api/ in app.url_map is fuzzed with Hypothesis, logged in as a role that
passes its access gate (taken from the access matrix's EXPECTATIONS), CSRF off so the bodies
reach the form code. Bodies: the form's own field names (read from the page that shows the form)
plus random extra fields, some missing, some repeated; values are random unicode (NUL, control
characters, lone surrogates sent as raw bytes, i.e. invalid UTF-8), huge strings, number- and
date-shaped junk, markup; multipart forms also get random file contents. Always tried as well
(issue 11): every field an integer past the database's range, a date in year 1 or 9999, and text
with CR/LF and a bare CR. A second test sends such values in the query string of every GET page. In TESTING mode a view
that raises propagates, so any exception fails the test as surely as a 500 would.

The JSON API is fuzzed by schemathesis in tests/events/test_api_openapi.py.
"""
from __future__ import annotations

import io
import os
import re
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import login
from tests.test_access_matrix import DENIED, EXPECTATIONS, LOGIN, _build_url, world  # noqa: F401

# Most privileged first: admin passes most gates, so most code runs.
ROLE_PREFERENCE = ["admin", "panitia", "koordinator", "relawan_a", "relawan_b", "anonymous"]
SKIP = {"auth.logout"}  # no fields; logging the fuzzing client out would only hide the rest
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))  # FUZZ_EXAMPLES=500 for a deep run

_JUNK = ["", " ", "\x00", "\x00" * 5, "0", "-1", "99999999999999999999999", "1e309", "NaN", "true", "null",
         "[]", "{}", "2026-02-30", "9999-12-31T99:99", "31/12/2026", "36.73.02.1001", "36.99.99.9999",
         "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "\u202e\u200b", "😀" * 10,
         "ـ" * 300, "3673025501900001", "+62812345678901234567890",
         # issue 11: past INTEGER and int64, far dates (OverflowError in WIB/UTC arithmetic), CR/LF
         "2147483648", "99999999999999999999", "-9223372036854775809", "0001-01-01", "9999-12-31",
         "0001-01-01T00:00", "9999-12-31T23:59", "a\r\nBcc: x@contoh.id", "a\rb", "\r\n"]
HUGE_INT, FAR_PAST, FAR_FUTURE, CRLF = (b"99999999999999999999", b"0001-01-01T00:00",
                                       b"9999-12-31T23:59", b"Judul\r\nBcc: x@contoh.id\rakhir")
_text = st.text(alphabet=st.characters(codec=None, blacklist_categories=()), max_size=60)
_value = st.one_of(
    st.sampled_from(_JUNK).map(lambda s: s.encode("utf-8")),
    _text.map(lambda s: s.encode("utf-8", "surrogatepass")),         # lone surrogates -> invalid UTF-8
    st.binary(max_size=40),                                          # arbitrary bytes
    # Huge: 1.5-12 KB of one repeated snippet (over every String(n) column limit).
    st.builds(lambda s, n: (s[:6] or "x").encode("utf-8", "surrogatepass") * n, _text, st.integers(500, 2000)),
)
_extra_name = st.text(alphabet=st.characters(codec="ascii", min_codepoint=33, max_codepoint=126), min_size=1,
                      max_size=12).map(lambda s: s.encode())


def _form_fields(client, url: str) -> tuple[list[str], bool]:
    """Field names of the form on the GET page of `url` (if any) and whether it is multipart."""
    try:
        resp = client.get(url)
    except Exception:  # noqa: BLE001 - a page that fails on GET is the access matrix's business
        return [], False
    if resp.status_code != 200 or "html" not in resp.content_type:
        return [], False
    html = resp.get_data(as_text=True)
    names = sorted(set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', html)) - {"csrf_token"})
    return names, 'enctype="multipart/form-data"' in html


# POST-only endpoints whose form lives on another page: where to read the field names.
FORM_PAGE = {
    "relawan.bulk_approve": "/relawan",
    "events.set_excuse": "/laporan/program/{program_id}/kehadiran",
    "events.issue_program_certificates": "/laporan/program/{program_id}/kehadiran",
    "events.issue_event_certificates": "/laporan/kegiatan/{event_id}",
    "events.revoke_certificate": "/laporan/kegiatan/{event_id}",
    "events.door_check_in": "/pindai/{event_id}/meja",
    "events.door_undo": "/pindai/{event_id}/meja",
    "events.publish": "/kelola/kegiatan",
    "events.register": "/kegiatan/{event_id}",
    "events.register_program": "/program/{program_id}",
    "events.cancel_program_registration": "/program/{program_id}",
    "events.cancel_registration": "/t/{token}",
    "events.ticket_check_in": "/t/{token}",
    "events.door_staff_revoke": "/kelola/kegiatan/{event_id}/petugas-pintu",
    "events.agenda_delete": "/kelola/kegiatan/{event_id}/agenda",
    "auth.revoke_token_view": "/akun/token",
}


def _role_for(endpoint: str) -> str | None:
    """A role for which the form code runs: 200 or a write that passes the gate (not a bare
    302, which is "logged-in users are sent elsewhere", e.g. sign-up for a logged-in admin)."""
    exp = EXPECTATIONS.get(endpoint) or {}
    exp = exp.get("POST", exp) if set(exp) <= {"GET", "POST", "PUT", "PATCH", "DELETE"} else exp
    for role in ROLE_PREFERENCE:
        want = exp.get(role)
        if want == 200 or isinstance(want, tuple):
            return role
    for role in ROLE_PREFERENCE:
        want = exp.get(role)
        if want is not None and want != LOGIN and want not in DENIED:
            return role
    return None


def _field_pages(endpoint: str, url: str, params: dict) -> list[str]:
    pages = [url]
    if endpoint in FORM_PAGE:
        pages.append(FORM_PAGE[endpoint].format(**params))
    parent = url.rsplit("/", 1)[0]
    if parent:
        pages.append(parent)
    return pages


def _form_rules(app):
    return sorted(((r.endpoint, r) for r in app.url_map.iter_rules()
                   if "POST" in r.methods and not r.rule.startswith("/api/") and r.endpoint not in SKIP),
                  key=lambda t: t[0])


def _endpoints():
    from app import create_app
    probe = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return [e for e, _ in _form_rules(probe)]


@pytest.mark.parametrize("endpoint", _endpoints())
def test_form_never_answers_5xx(app, world, endpoint):
    rule = next(r for e, r in _form_rules(app) if e == endpoint)
    role = _role_for(endpoint)
    if role is None:
        pytest.skip(f"no role passes the access gate of {endpoint} (see EXPECTATIONS)")
    client = app.test_client() if role == "anonymous" else login(app.test_client(), world.users[role])
    url = _build_url(rule, world.params)
    fields, multipart = [], False
    for page in _field_pages(endpoint, url, world.params):
        more, mp = _form_fields(client, page)
        if page == url:
            multipart = mp
        fields = sorted(set(fields) | set(more))
    field_names = [f.encode() for f in fields] or [b"x"]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(present=st.lists(st.sampled_from(field_names), max_size=len(field_names) + 2),
           extra=st.lists(st.tuples(_extra_name, _value), max_size=3),
           values=st.lists(_value, min_size=1, max_size=8),
           file_body=st.binary(max_size=3000))
    # Always tried: every field a NUL byte (PostgreSQL refuses NUL in text: a form that lets it
    # through answers 500 there, while SQLite stores it), and every field invalid UTF-8.
    @example(present=field_names, extra=[], values=[b"\x00"], file_body=b"\x00")
    @example(present=field_names, extra=[], values=[b"a\xff\xfe\xed\xa0\x80"], file_body=b"\xff")
    @example(present=field_names, extra=[], values=[HUGE_INT], file_body=HUGE_INT)
    @example(present=field_names, extra=[], values=[FAR_PAST], file_body=FAR_PAST)
    @example(present=field_names, extra=[], values=[FAR_FUTURE], file_body=FAR_FUTURE)
    @example(present=field_names, extra=[], values=[CRLF], file_body=CRLF)
    def fuzz(present, extra, values, file_body):
        pairs = [(name, values[i % len(values)]) for i, name in enumerate(present)] + list(extra)
        if multipart:
            data = {}
            for k, v in pairs:
                data.setdefault(k.decode("latin-1"), []).append(v.decode("utf-8", "replace"))
            data["file"] = (io.BytesIO(file_body), "undangan.csv")
            resp = client.post(url, data=data, content_type="multipart/form-data")
        else:
            body = "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in pairs)
            resp = client.post(url, data=body.encode("ascii"), content_type="application/x-www-form-urlencoded")
        assert resp.status_code < 500, (endpoint, role, resp.status_code, pairs[:5])
        resp.close()

    # Deterministic part: each field alone set to NUL, the others missing.
    for name in field_names:
        body = f"{quote_from_bytes(name)}=%00".encode("ascii")
        if multipart:
            resp = client.post(url, data={name.decode("latin-1"): "\x00", "file": (io.BytesIO(b"\x00"), "u.csv")},
                               content_type="multipart/form-data")
        else:
            resp = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        assert resp.status_code < 500, (endpoint, role, name, resp.status_code)
        resp.close()
    fuzz()


# Query-string parameters the pages read as numbers or dates.
EXTREME_QUERIES = ["page=99999999999999999999", "page=2147483648", "page=0", "page=-1",
                   "dari=0001-01-01&sampai=9999-12-31", "dari=9999-12-31", "sampai=0001-01-01",
                   "event=99999999999999999999&program=2147483648&data=pendaftar",
                   "user=99999999999999999999", "q=a%0D%0Ab%0Dc", "data=x&format=y",
                   "_scheme=javascript&_external=0&_anchor=x"]


@pytest.mark.parametrize("query", EXTREME_QUERIES)
def test_every_get_page_survives_extreme_numbers_and_dates(app, world, query):
    """Every GET page, as admin, with huge page numbers and ids and far dates: never a 5xx."""
    client = login(app.test_client(), world.users["admin"])
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        resp = client.get(f"{_build_url(rule, world.params)}?{query}")
        assert resp.status_code < 500, (rule.rule, query, resp.status_code)
        resp.close()
        checked += 1
    assert checked > 40
