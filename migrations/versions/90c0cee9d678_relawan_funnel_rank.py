"""relawan funnel_rank

Adds relawan.funnel_rank, the furthest funnel stage each relawan ever reached (0 calon ..
3 aktif), fills it from the current status and the status_change history, then indexes it.
The backfill is plain SQL that runs on SQLite and PostgreSQL; tests/relawan/test_funnel_rank.py
runs `backfill_funnel_rank` on its own.

Revision ID: 90c0cee9d678
Revises: 481a970ac3eb
Create Date: 2026-11-28 06:00:33.555132

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '90c0cee9d678'
down_revision = '481a970ac3eb'
branch_labels = None
depends_on = None

# The funnel order at this revision (relawan.models.FUNNEL); any other status ranks 0.
RANKS = (("terverifikasi", 1), ("dalam_pelatihan", 2), ("aktif", 3))


def _rank_sql(column: str) -> str:
    whens = " ".join(f"WHEN '{status}' THEN {rank}" for status, rank in RANKS)
    return f"CASE {column} {whens} ELSE 0 END"


def backfill_funnel_rank(bind) -> None:
    """funnel_rank = max(rank(status), rank of every to_status in the relawan's status_change rows)."""
    bind.execute(sa.text(f"UPDATE relawan SET funnel_rank = {_rank_sql('relawan.status')}"))
    best = (f"(SELECT MAX({_rank_sql('status_change.to_status')}) FROM status_change "
            "WHERE status_change.relawan_id = relawan.id)")
    bind.execute(sa.text(f"UPDATE relawan SET funnel_rank = {best} WHERE {best} > relawan.funnel_rank"))


def upgrade():
    with op.batch_alter_table('relawan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('funnel_rank', sa.SmallInteger(), server_default='0', nullable=False))
    backfill_funnel_rank(op.get_bind())
    # Indexes after the backfill: built once instead of maintained row by row.
    op.create_index('ix_relawan_funnel_created', 'relawan', ['funnel_rank', 'created_at'], unique=False)
    op.create_index('ix_relawan_funnel_kelurahan', 'relawan', ['funnel_rank', 'kelurahan_kode'], unique=False)


def downgrade():
    op.drop_index('ix_relawan_funnel_kelurahan', table_name='relawan')
    op.drop_index('ix_relawan_funnel_created', table_name='relawan')
    # recreate="never": a copy-and-swap of relawan on SQLite, with foreign keys on, would cascade
    # into status_change; ALTER TABLE ... DROP COLUMN (SQLite >= 3.35) needs no copy.
    with op.batch_alter_table('relawan', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('funnel_rank')
