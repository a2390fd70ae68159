"""Reports: dashboards, participation, exports, daftar hadir, badges, certificates (read-only)."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from reports import views  # noqa: E402,F401  (routes register on bp)
