"""The event pages, one module per page group; each registers its routes on events.bp.

Beside each page module stands its service (events/services/<name>.py) where it has one.
"""
from events.views import (  # noqa: F401  (routes register on events.bp)
    badges,
    door,
    events,
    manage,
    programs,
    registrations,
    scanner,
    selfcheckin,
    speakers,
    tickets,
)
