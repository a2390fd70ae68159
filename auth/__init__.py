"""Accounts, roles, login, API tokens and the audit log."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from auth import audit_views, guards, recovery_views, tokens, views  # noqa: F401  (routes register on bp)
