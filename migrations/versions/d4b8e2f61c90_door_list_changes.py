"""door list for offline scanners (issue 13.2): registration.changed_at (stamped on every insert
and update; existing rows take their created_at) and registration.replaced_token_hash (the door
hash of the ticket token a re-registration replaced); index (event_id, changed_at) for the deltas

Revision ID: d4b8e2f61c90
Revises: afd30bb4c1e2
Create Date: 2026-12-01 20:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4b8e2f61c90'
down_revision = 'afd30bb4c1e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('replaced_token_hash', sa.String(length=16), nullable=True))
    op.execute(sa.text("UPDATE registration SET changed_at = created_at"))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('changed_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_index('ix_registration_event_changed', ['event_id', 'changed_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_event_changed')
        batch_op.drop_column('replaced_token_hash')
        batch_op.drop_column('changed_at')
