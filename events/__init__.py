"""Events, training programs, speakers, registration, tickets, scanner and check-in."""
from flask import Blueprint

bp = Blueprint("events", __name__)

# events/views/ holds the page modules (one per page group, beside events/services/).
from events import views  # noqa: F401  (routes register on bp)
from events.questions import views as question_views  # noqa: F401  (registration questions)
from events.training import views as training_views  # noqa: F401  (izin, certificates)
