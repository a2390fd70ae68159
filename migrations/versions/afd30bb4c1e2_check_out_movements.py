"""check-out per event (issue 13.3): event.checkout_enabled and check_in_movement, one row per
pass out and in again after the check-in (seq 2 = first out, 3 = in again, ...; the unique
(checkin_id, seq) keeps in and out alternating when two doors scan at once)

Revision ID: afd30bb4c1e2
Revises: c7d3e9a1f402
Create Date: 2026-12-01 20:23:25

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'afd30bb4c1e2'
down_revision = 'c7d3e9a1f402'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_in_movement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checkin_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('direction', sa.String(length=3), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('by_user_id', sa.Integer(), nullable=True),
        sa.Column('device', sa.String(length=80), nullable=True),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('scan_id', sa.String(length=36), nullable=True),
        sa.CheckConstraint("seq >= 2 AND direction = CASE WHEN seq % 2 = 0 THEN 'out' ELSE 'in' END",
                           name=op.f('ck_check_in_movement_direction_follows_seq')),
        sa.ForeignKeyConstraint(['by_user_id'], ['user.id'],
                                name=op.f('fk_check_in_movement_by_user_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['checkin_id'], ['check_in.id'],
                                name=op.f('fk_check_in_movement_checkin_id_check_in'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_check_in_movement_event_id_event')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in_movement')),
        sa.UniqueConstraint('checkin_id', 'seq', name=op.f('uq_check_in_movement_checkin_id_seq')),
        sa.UniqueConstraint('scan_id', name=op.f('uq_check_in_movement_scan_id')),
    )
    with op.batch_alter_table('check_in_movement', schema=None) as batch_op:
        batch_op.create_index('ix_check_in_movement_event_at', ['event_id', 'at'], unique=False)
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkout_enabled', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('checkout_enabled')
    with op.batch_alter_table('check_in_movement', schema=None) as batch_op:
        batch_op.drop_index('ix_check_in_movement_event_at')
    op.drop_table('check_in_movement')
