"""Questionnaires per event (issue 15.2): pre-test/post-test and feedback, made by panitia from a
template library, answered on participants' phones, with results for panitia and admin."""
from flask import Blueprint

bp = Blueprint("surveys", __name__)

from surveys import views_answer, views_manage, views_results  # noqa: F401  (routes register on bp)
