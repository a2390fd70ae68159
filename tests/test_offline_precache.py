"""The service worker's precache list (static/js/sw.js) matches the scanner's files: every listed
file exists, and every ES module the scanner imports is listed, so the door scanner reloads
offline after one online visit (docs/offline.md). No browser needed."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SW = ROOT / "static" / "js" / "sw.js"
IMPORT = re.compile(r"""^\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}/[^'"]+)['"]""", re.MULTILINE)


def _precache() -> set[str]:
    block = re.search(r"const PRECACHE = \[(.*?)\]", SW.read_text(), re.DOTALL).group(1)
    return set(re.findall(r"'([^']+)'", block))


def _module_graph(entry: Path) -> set[Path]:
    """The entry module and every module it imports, transitively (relative imports)."""
    seen, todo = set(), [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo += [(path.parent / rel).resolve() for rel in IMPORT.findall(path.read_text())]
    return seen


def test_every_precached_file_exists():
    listed = _precache()
    assert "static/js/scanner.js" in listed
    missing = [p for p in listed if not (ROOT / p).is_file()]
    assert missing == []


def test_every_module_of_the_scanner_is_precached():
    modules = _module_graph((ROOT / "static" / "js" / "scanner.js").resolve())
    assert len(modules) > 5  # the entry and its modules under static/js/scanner/
    listed = _precache()
    unlisted = sorted(str(m.relative_to(ROOT)) for m in modules if str(m.relative_to(ROOT)) not in listed)
    assert unlisted == []
    on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / "static" / "js" / "scanner").glob("*.js")}
    assert on_disk <= listed
