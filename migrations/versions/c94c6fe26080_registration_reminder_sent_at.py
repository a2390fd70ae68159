"""registration reminder_sent_at: when the day-before reminder email went out

Revision ID: c94c6fe26080
Revises: 90c0cee9d678
Create Date: 2026-11-28 06:51:10.671724

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c94c6fe26080'
down_revision = '90c0cee9d678'
branch_labels = None
depends_on = None


def upgrade():
    # A nullable column: ALTER TABLE ... ADD COLUMN on both databases, no table copy.
    with op.batch_alter_table('registration', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('reminder_sent_at', sa.DateTime(), nullable=True))


def downgrade():
    # recreate="never": a copy-and-swap of registration on SQLite, with foreign keys on, would
    # cascade into check_in; ALTER TABLE ... DROP COLUMN (SQLite >= 3.35) needs no copy.
    with op.batch_alter_table('registration', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('reminder_sent_at')
