"""scan_record without http_status: the API maps a stored result to its status

The check-in service returns a result name and a body; the HTTP status of a result is decided
once by the API (events/api_checkin.py), so a stored answer no longer keeps its own copy.

Revision ID: 5d1e0c2a7b31
Revises: c94c6fe26080
Create Date: 2026-11-28 17:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5d1e0c2a7b31'
down_revision = 'c94c6fe26080'
branch_labels = None
depends_on = None

# The statuses the API gave each result when this column was written (for the downgrade).
_STATUS = {"checked_in": 201, "already_checked_in": 200, "invalid_code": 404}


def upgrade():
    # ALTER TABLE ... DROP COLUMN on both databases (SQLite >= 3.35), no table copy.
    with op.batch_alter_table('scan_record', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('http_status')


def downgrade():
    with op.batch_alter_table('scan_record', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('http_status', sa.Integer(), nullable=False,
                                      server_default='409'))
    for result, status in _STATUS.items():
        op.execute(sa.text("UPDATE scan_record SET http_status = :s WHERE result = :r")
                   .bindparams(s=status, r=result))
