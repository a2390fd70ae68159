"""check-in window (issue 13.1): event.checkin_opens_minutes and checkin_closes_minutes (None:
the configured defaults); check_in.forced_reason for a check-in panitia forced outside it

Revision ID: 9c4e2a7f1b58
Revises: 7b2d4f6a8c13
Create Date: 2026-12-03 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9c4e2a7f1b58'
down_revision = '7b2d4f6a8c13'
branch_labels = None
depends_on = None


def upgrade():
    # Added nullable columns: ALTER TABLE ... ADD COLUMN on both databases, no table copy.
    with op.batch_alter_table('event', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('checkin_opens_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('checkin_closes_minutes', sa.Integer(), nullable=True))
    with op.batch_alter_table('check_in', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('forced_reason', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('check_in', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('forced_reason')
    with op.batch_alter_table('event', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('checkin_closes_minutes')
        batch_op.drop_column('checkin_opens_minutes')
