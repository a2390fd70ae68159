"""Case statistics: yearly case counts by type (counts only, never a victim's data), a public
page with the table and charts for sosialisasi, and admin pages to enter the figures."""
from flask import Blueprint

bp = Blueprint("cases", __name__)

from cases import views  # noqa: F401  (routes register on bp)
