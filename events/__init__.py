"""Events, training programs, speakers, registration, tickets, scanner and check-in."""
from flask import Blueprint

bp = Blueprint("events", __name__)

from events import views  # noqa: E402,F401  (routes register on bp)
