"""Operations: backups, restore, retention and anonymisation chores, privacy admin pages."""
from flask import Blueprint

bp = Blueprint("ops", __name__, url_prefix="/admin/privasi")

from ops import views  # noqa: F401  (routes register on bp)
