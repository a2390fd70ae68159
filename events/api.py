"""JSON API under /api/v1 (check-in for scanners and integrations)."""
from flask import Blueprint

bp = Blueprint("api", __name__)
