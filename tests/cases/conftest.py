"""Case figures as the migration seeds them (the tests' database is made by create_all)."""
import pytest

from cases.models import CaseCount, CaseType, CaseYearTotal
from extensions import db

SOURCE = "Berita sosialisasi P2TP2A Kota Serang di Gedung PKPRI"
TYPES = ["KDRT", "Pelecehan seksual terhadap anak", "Pencabulan", "Pemerkosaan",
         "Penelantaran anak", "Pembunuhan anak"]


@pytest.fixture
def seeded(app):
    """The six types and the 2016 figures of the news item: {type name: id}."""
    with app.app_context():
        types = [CaseType(name=n, position=i) for i, n in enumerate(TYPES, start=1)]
        db.session.add_all(types)
        db.session.flush()
        ids = {t.name: t.id for t in types}
        for name, n in {"KDRT": 5, "Penelantaran anak": 3, "Pemerkosaan": 2,
                        "Pelecehan seksual terhadap anak": 6}.items():
            db.session.add(CaseCount(year=2016, case_type_id=ids[name], count=n, source=SOURCE))
        db.session.add(CaseYearTotal(year=2016, total=11, source=SOURCE))
        db.session.commit()
        return ids
