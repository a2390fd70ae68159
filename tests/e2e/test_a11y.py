"""Accessibility (issue 6.9): axe-core in the e2e Chromium finds no serious or critical violation
on the sign-up, login, event, ticket, scanner and dashboard pages, and (issue 14.5) on every HTML page the
access matrix gives each role (tests/test_access_matrix.py world and logins).

axe-core comes from the npm registry, pinned in tests/e2e/axe/package.json and installed into
tests/e2e/axe/node_modules by tests/e2e/axe/install.sh (run here when missing). The CSP forbids
inline scripts, and Playwright's add_script_tag(path=...) injects the file *inline*, so the test
serves axe.min.js from the app's own origin with page.route() and adds it by URL: the page's
real CSP stays on (no bypass_csp) while it is audited.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.test_access_matrix import clients, world  # noqa: F401 (fixtures: every role, the matrix world)

sync_api = pytest.importorskip("playwright.sync_api")

try:  # Chromium discovery and flags shared with the other browser tests (tests/e2e/conftest.py)
    from tests.e2e.conftest import FLAGS
except ImportError:  # pragma: no cover - conftest always there in this repo
    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
SCREENSHOTS = Path(os.environ.get("A11Y_SCREENSHOTS", "/tmp/a11y-screens"))


def _ensure_axe() -> Path:
    if not AXE_JS.exists():
        if not shutil.which("npm"):
            pytest.skip("npm is missing (apt-get install npm): cannot install axe-core")
        proc = subprocess.run(["sh", str(AXE_DIR / "install.sh")], capture_output=True, text=True, timeout=300,
                              check=False)
        if proc.returncode != 0 or not AXE_JS.exists():
            pytest.fail(f"installing axe-core failed: {proc.stderr[-1500:]}")
    return AXE_JS


@pytest.fixture(scope="module")
def live(app):
    """The session app served on 127.0.0.1 in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def data(app, make_user, make_relawan, make_event):
    """An event with a relawan's ticket, a panitia and an admin (password PASSWORD)."""
    from events.models import Registration
    from extensions import db
    event = make_event(title="Sosialisasi Pencegahan Kekerasan terhadap Anak",
                       description="Bersama RSUD dr. Drajat Prawiranegara dan Unit PPA Polres Serang Kota.")
    relawan = make_relawan(status="aktif")
    token = secrets.token_urlsafe(16)
    with app.app_context():
        db.session.add(Registration(event_id=event.id, relawan_id=relawan.id, token=token, status="confirmed"))
        db.session.commit()
    from auth.models import User
    with app.app_context():
        rel_user = db.session.get(User, relawan.user_id)
        db.session.expunge(rel_user)
    return {"event": event, "token": token, "relawan_user": rel_user,
            "panitia": make_user("panitia"), "admin": make_user("admin")}


def _audit(page, base: str, path: str) -> list[dict]:
    page.goto(base + path, wait_until="networkidle")
    page.add_script_tag(url="/__axe__/axe.min.js")
    raw = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 4).map(n => n.target.join(' '))})));
    }""")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / (path.strip("/").replace("/", "_") or "index")) + ".png", full_page=True)
    return json.loads(raw)


def _login(page, base: str, user):
    from tests.conftest import PASSWORD
    page.goto(base + "/masuk")
    page.fill("input[name=identifier]", user.email or user.phone)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit], input[type=submit]")


def test_key_pages_have_no_serious_or_critical_axe_violations(app, live, data, chromium_path):
    axe_js = _ensure_axe().read_bytes()
    event_id, token = data["event"].id, data["token"]
    public = ["/daftar", "/masuk", "/", f"/kegiatan/{event_id}", f"/t/{token}"]
    by_role = {
        "relawan_user": ["/saya", f"/t/{token}"],
        "panitia": ["/pindai", f"/pindai/{event_id}", "/laporan/", f"/kelola/kegiatan/{event_id}/peserta"],
        "admin": ["/admin/privasi/", "/admin/privasi/persetujuan", "/admin/privasi/catatan-pemrosesan"],
    }
    found: dict[str, list[dict]] = {}
    errors: list[str] = []
    offsite: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=FLAGS)
        try:
            for who, paths in [("anon", public), *by_role.items()]:
                context = browser.new_context(viewport={"width": 360, "height": 740})
                page = context.new_page()
                page.route("**/__axe__/axe.min.js",
                           lambda route: route.fulfill(body=axe_js, content_type="application/javascript"))
                page.on("pageerror", lambda exc, who=who: errors.append(f"{who}: {exc}"))
                page.on("request", lambda req: offsite.append(req.url)
                        if not req.url.startswith((live, "data:", "blob:")) else None)
                if who != "anon":
                    _login(page, live, data[who])
                for path in paths:
                    found[f"{who} {path}"] = _audit(page, live, path)
                context.close()
        finally:
            browser.close()
    report = "\n".join(f"{where}: [{v['impact']}] {v['id']}: {v['help']} -> {v['nodes']}"
                       for where, vs in found.items() for v in vs)
    print("\naxe violations (all impacts):\n" + (report or "none"))
    blocking = [f"{where}: [{v['impact']}] {v['id']}: {v['help']} -> {v['nodes']}"
                for where, vs in found.items() for v in vs if v["impact"] in BLOCKING]
    assert not blocking, "serious/critical accessibility violations:\n" + "\n".join(blocking)
    assert not offsite, f"requests left 127.0.0.1: {offsite[:5]}"
    assert not [e for e in errors if "axe" in e.lower()], errors


def _matrix_pages(app, world, clients) -> dict[str, list[str]]:
    """Every HTML page the access matrix gives each role (GET expected 200), by role."""
    from tests.access_expectations import ROLES
    from tests.test_access_matrix import _build_url, _expected_for, _rules
    pages: dict[str, list[str]] = {role: [] for role in ROLES}
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint in ("static", "service_worker"):
            continue
        expected = _expected_for(rule.endpoint, "GET") or {}
        url = _build_url(rule, world.params)
        for role in ROLES:
            if expected.get(role) != 200:
                continue
            resp = clients[role].get(url)
            if resp.status_code == 200 and resp.mimetype == "text/html":
                pages[role].append(url)
            resp.close()
    return pages


def test_every_page_of_the_access_matrix_has_no_serious_or_critical_axe_violation(app, live, world, clients,
                                                                                   chromium_path):
    """Issue 14.5: not only the key pages, every HTML page each role may open."""
    axe_js = _ensure_axe().read_bytes()
    pages = _matrix_pages(app, world, clients)
    assert sum(len(p) for p in pages.values()) > 50
    found: dict[str, list[dict]] = {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=FLAGS)
        try:
            for role, paths in pages.items():
                context = browser.new_context(viewport={"width": 360, "height": 740})
                page = context.new_page()
                page.route("**/__axe__/axe.min.js",
                           lambda route: route.fulfill(body=axe_js, content_type="application/javascript"))
                if role != "anonymous":
                    _login(page, live, world.users[role])
                for path in paths:
                    found[f"{role} {path}"] = _audit(page, live, path)
                context.close()
        finally:
            browser.close()
    blocking = [f"{where}: [{v['impact']}] {v['id']}: {v['help']} -> {v['nodes']}"
                for where, vs in found.items() for v in vs if v["impact"] in BLOCKING]
    assert not blocking, "serious/critical accessibility violations:\n" + "\n".join(blocking)
