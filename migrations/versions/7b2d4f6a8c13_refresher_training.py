"""refresher training (issue 15.3): training_program.valid_months; program_enrollment.cycle and
cycle_started_at; certificate.cycle, valid_until and refresher_reminded_at, and one peserta
certificate per program, relawan and cycle (was: per program and relawan)

Revision ID: 7b2d4f6a8c13
Revises: 1c5e7a9d3b20
Create Date: 2026-12-02 09:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7b2d4f6a8c13'
down_revision = '1c5e7a9d3b20'
branch_labels = None
depends_on = None


def upgrade():
    # Added columns: ALTER TABLE ... ADD COLUMN on both databases, no table copy (program_enrollment
    # is referenced by registration).
    with op.batch_alter_table('training_program', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('valid_months', sa.Integer(), nullable=True))
    with op.batch_alter_table('program_enrollment', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('cycle', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('cycle_started_at', sa.DateTime(), nullable=True))
    # certificate is referenced by no table: SQLite's copy-and-swap for the constraint is safe.
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cycle', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('refresher_reminded_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint('uq_certificate_program_id_relawan_id_role_label', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_certificate_program_id_relawan_id_role_label_cycle'),
            ['program_id', 'relawan_id', 'role_label', 'cycle'])


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint('uq_certificate_program_id_relawan_id_role_label_cycle', type_='unique')
        batch_op.create_unique_constraint('uq_certificate_program_id_relawan_id_role_label',
                                          ['program_id', 'relawan_id', 'role_label'])
        batch_op.drop_column('refresher_reminded_at')
        batch_op.drop_column('valid_until')
        batch_op.drop_column('cycle')
    with op.batch_alter_table('program_enrollment', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('cycle_started_at')
        batch_op.drop_column('cycle')
    with op.batch_alter_table('training_program', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('valid_months')
