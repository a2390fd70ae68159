"""Scanner and door-desk pages (check-in)."""
from events import bp  # noqa: F401
