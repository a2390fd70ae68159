"""Import every model module so the metadata is complete (for create_all and Alembic).

A new model class only needs to live in one of these modules (or a module added here).
"""
import auth.models  # noqa: F401
import cases.models  # noqa: F401
import events.checkin_models
import events.models
import events.questions.models
import events.training.models  # noqa: F401
import messaging.models  # noqa: F401
import ops.models  # noqa: F401
import relawan.models  # noqa: F401
import reports.models  # noqa: F401
import surveys.models  # noqa: F401
