"""kop emblem and event signatories: the daftar hadir's letterhead image and signature blocks

letterhead_emblem holds the one emblem admin uploads (ops/letterhead.py); the four nullable
event columns name the ketua panitia and the Kepala DP3AKB of one event (empty: configuration).

Revision ID: a6c2e8f41d07
Revises: b3f1d2a9c8e4
Create Date: 2026-11-29 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a6c2e8f41d07'
down_revision = 'b3f1d2a9c8e4'
branch_labels = None
depends_on = None

_EVENT_COLUMNS = (('ketua_panitia_name', 120), ('ketua_panitia_nip', 18),
                  ('kepala_dinas_name', 120), ('kepala_dinas_nip', 18))


def upgrade():
    op.create_table(
        'letterhead_emblem',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('content_type', sa.String(length=20), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('id = 1', name=op.f('ck_letterhead_emblem_single_row')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'],
                                name=op.f('fk_letterhead_emblem_uploaded_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letterhead_emblem')),
    )
    # ALTER TABLE ... ADD COLUMN on both databases, no table copy.
    with op.batch_alter_table('event', schema=None, recreate='never') as batch_op:
        for name, length in _EVENT_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade():
    with op.batch_alter_table('event', schema=None, recreate='never') as batch_op:
        for name, _length in reversed(_EVENT_COLUMNS):
            batch_op.drop_column(name)
    op.drop_table('letterhead_emblem')
