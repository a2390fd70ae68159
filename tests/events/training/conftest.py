"""The report tests' hand-countable `world` (tests/reports/conftest.py) serves these tests too."""
from tests.reports.conftest import world  # noqa: F401  (fixture)
