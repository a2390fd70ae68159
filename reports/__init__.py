"""Reports: dashboards, participation, exports, daftar hadir, badges, certificates (read-only)."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from reports import views  # noqa: F401  (routes register on bp)
