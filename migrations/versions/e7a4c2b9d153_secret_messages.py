"""secret messages (password-reset codes and links): message.expires_at (not sent after it);
the text of reset messages already stored is erased (the queued ones older than a reset's 15
minutes are failed as expired, as their code no longer works)

Revision ID: e7a4c2b9d153
Revises: d4b8e2f61c90
Create Date: 2026-12-02 09:00:00

"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7a4c2b9d153'
down_revision = 'd4b8e2f61c90'
branch_labels = None
depends_on = None

# messaging/texts.py's secret templates when this revision was written (a snapshot).
SECRET_TEMPLATES = ('password_reset_code', 'password_reset_link')
RESET_MINUTES = 15
ERASE = "body = '', subject = NULL, wa_template = NULL"


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
    templates = sa.bindparam('templates', SECRET_TEMPLATES, expanding=True)
    cutoff = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=RESET_MINUTES)
    bind = op.get_bind()
    bind.execute(sa.text(
        f"UPDATE message SET {ERASE}, status = 'failed', claimed_at = NULL, claimed_by = NULL, "
        "last_error = 'Tidak dikirim: batas waktunya sudah lewat sebelum pesan dapat dikirim.' "
        "WHERE template IN :templates AND status IN ('queued', 'sending') AND created_at < :cutoff"
    ).bindparams(templates), {"cutoff": cutoff})
    bind.execute(sa.text(
        f"UPDATE message SET {ERASE} WHERE template IN :templates "
        "AND status IN ('sent', 'failed', 'unsendable')").bindparams(templates))


def downgrade():
    # The erased texts cannot come back.
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
