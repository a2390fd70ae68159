"""Events, training programs, speakers, registration, tickets, scanner and check-in."""
from flask import Blueprint

bp = Blueprint("events", __name__)

# views.py imports the other event page modules; scanner.py the check-in pages.
from events import scanner, selfcheckin, views  # noqa: E402,F401  (routes register on bp)
from events.training import views as training_views  # noqa: E402,F401  (izin, certificates)
