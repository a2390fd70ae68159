"""message cause index: find the messages a registration caused (has its ticket been sent?)

Revision ID: d51c7e93a0f2
Revises: a6c2e8f41d07
Create Date: 2026-11-30 09:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd51c7e93a0f2'
down_revision = 'a6c2e8f41d07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_cause', ['cause_type', 'cause_id'], unique=False)


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_cause')
