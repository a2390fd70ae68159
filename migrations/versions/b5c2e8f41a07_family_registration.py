"""family registration (issue 15.1): registration.lead_registration_id (a companion points at its
lead's registration), companion_relation and age_group

Revision ID: b5c2e8f41a07
Revises: fad53111a73a
Create Date: 2026-12-01 18:35:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b5c2e8f41a07'
down_revision = 'fad53111a73a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead_registration_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('companion_relation', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('age_group', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_registration_lead_registration_id'),
                              ['lead_registration_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_registration_lead_registration_id_registration'),
                                    'registration', ['lead_registration_id'], ['id'],
                                    ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_lead_registration_id_registration'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_registration_lead_registration_id'))
        batch_op.drop_column('age_group')
        batch_op.drop_column('companion_relation')
        batch_op.drop_column('lead_registration_id')
