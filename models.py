"""Import every model module so the metadata is complete (for create_all and Alembic)."""
from auth.models import ApiToken, AuditEntry, Role, User  # noqa: F401
from events.models import (AgendaItem, Certificate, CheckIn, DoorStaffGrant, Event,  # noqa: F401
                           ProgramEnrollment, Registration, ScanRecord, Speaker, TrainingProgram)
from relawan.models import Kecamatan, Kelurahan, Relawan, StatusChange  # noqa: F401
