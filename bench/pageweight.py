"""Page weight: bytes a phone downloads for a page with its CSS, JS and images, gzipped.

    .venv/bin/python bench/pageweight.py                    # sign-up page, in-process app
    .venv/bin/python bench/pageweight.py /daftar /masuk /
    .venv/bin/python bench/pageweight.py --base-url http://127.0.0.1:8080 /daftar   # a running server

Counts the HTML plus every same-origin stylesheet, script (src) and image it references, each
compressed with gzip level 5 (what docs/deploy.md's nginx uses; files already compressed,
like PNG and wasm, count at their raw size when gzip doesn't shrink them; the app itself
compresses with Flask-Compress, brotli or gzip level 6, so this is what a phone downloads).
Budgets (issue 14.6): the sign-up page 40 KB, a ticket page 30 KB; other pages 60 KB.
Exit status 1 over budget.
"""
from __future__ import annotations

import argparse
import gzip
import os
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUDGET_BYTES = 60 * 1024  # any page not listed below
SIGN_UP_BUDGET = 40 * 1024
TICKET_BUDGET = 30 * 1024


def budget_for(path: str) -> int:
    """The byte budget of a page: /daftar and ticket pages (/t/<token>) have their own."""
    if path.rstrip("/") == "/daftar":
        return SIGN_UP_BUDGET
    if path.startswith("/t/"):
        return TICKET_BUDGET
    return BUDGET_BYTES


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.urls.append(("css", a["href"]))
        elif (tag == "link" and a.get("href")
              and (a.get("rel") or "") in ("icon", "manifest", "preload", "modulepreload")):
            self.urls.append((a["rel"], a["href"]))
        elif tag == "script" and a.get("src"):
            self.urls.append(("js", a["src"]))
        elif tag == "img" and a.get("src") and not a["src"].startswith("data:"):
            self.urls.append(("img", a["src"]))


def gz(data: bytes) -> int:
    return min(len(gzip.compress(data, compresslevel=5)), len(data))


def measure(fetch, path: str) -> tuple[int, list[tuple[str, str, int, int]]]:
    """(total gzipped bytes, [(kind, url, raw, gzipped)]) for `path` using fetch(url) -> bytes."""
    html = fetch(path)
    rows = [("html", path, len(html), gz(html))]
    parser = _Assets()
    parser.feed(html.decode("utf-8", "replace"))
    seen = set()
    for kind, url in parser.urls:
        full = urljoin(path, url)
        if urlsplit(full).netloc or full in seen:
            if urlsplit(full).netloc:
                rows.append((kind, full, 0, 0))  # off-site: should never happen (no CDNs)
            continue
        seen.add(full)
        body = fetch(full)
        rows.append((kind, full, len(body), gz(body)))
    return sum(r[3] for r in rows), rows


def in_process_fetcher():
    os.environ.setdefault("SECRET_KEY", "pageweight")
    import tempfile

    from app import create_app
    from extensions import db
    from relawan.wilayah import load_default
    tmp = tempfile.mkdtemp(prefix="pageweight-")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/pw.db",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        load_default()
        db.session.commit()
    client = app.test_client()

    def fetch(url: str) -> bytes:
        resp = client.get(url)
        if resp.status_code != 200:
            raise SystemExit(f"GET {url} -> {resp.status_code}")
        data = resp.get_data()
        resp.close()
        return data
    return fetch


def http_fetcher(base: str):
    import requests
    s = requests.Session()

    def fetch(url: str) -> bytes:
        r = s.get(urljoin(base, url), timeout=10)
        r.raise_for_status()
        return r.content
    return fetch


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Gzipped page weight of pages with their assets.")
    ap.add_argument("paths", nargs="*", default=["/daftar"])
    ap.add_argument("--base-url", default=None)
    ap.add_argument("--budget-kb", type=float, default=None, help="override the page's own budget")
    args = ap.parse_args(argv)
    fetch = http_fetcher(args.base_url) if args.base_url else in_process_fetcher()
    over = 0
    for path in args.paths:
        total, rows = measure(fetch, path)
        budget = args.budget_kb * 1024 if args.budget_kb else budget_for(path)
        print(f"{path}: {total / 1024:.1f} KB gzipped (budget {budget / 1024:.0f} KB)")
        for kind, url, raw, z in rows:
            print(f"  {kind:5} {url:60} {raw / 1024:8.1f} KB raw {z / 1024:7.1f} KB gz")
        over += total > budget
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
