"""The migration seeds only what the news item gives: 2016, its stated total and its parts."""
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.test_migrations import _upgrade


def test_migration_seeds_2016_total_11_and_parts_16_and_no_other_year():
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'seed.db'}"
    _upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        parts = dict(conn.execute(text(
            "SELECT t.name, c.count FROM case_count c JOIN case_type t ON t.id = c.case_type_id "
            "WHERE c.year = 2016")).all())
        totals = conn.execute(text("SELECT year, total FROM case_year_total")).all()
        years = conn.execute(text("SELECT DISTINCT year FROM case_count")).scalars().all()
    engine.dispose()
    assert parts == {"KDRT": 5, "Penelantaran anak": 3, "Pemerkosaan": 2,
                     "Pelecehan seksual terhadap anak": 6}
    assert sum(parts.values()) == 16 and totals == [(2016, 11)] and years == [2016]
