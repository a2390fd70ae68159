"""Relawan: wilayah, sign-up, screening, profile, data rights, personal QR card."""
from flask import Blueprint

bp = Blueprint("relawan", __name__)

from relawan import views  # noqa: F401  (routes register on bp)
