"""broadcasts and opt-outs (issue 12.7): broadcast, broadcast_opt_out, message.opt_out_token and
message.broadcast_id as a foreign key with an index (the broadcast page's per-recipient list)

Revision ID: f3b8d1c6a924
Revises: e7a4c1b92d35
Create Date: 2026-12-01 17:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3b8d1c6a924'
down_revision = 'e7a4c1b92d35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'broadcast',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('segment', sa.JSON(), nullable=False),
        sa.Column('segment_label', sa.String(length=300), nullable=False),
        sa.Column('kecamatan_kode', sa.String(length=8), nullable=True),
        sa.Column('subject', sa.String(length=120), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('request_key', sa.String(length=43), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('recipients_total', sa.Integer(), nullable=False),
        sa.Column('whatsapp_count', sa.Integer(), nullable=False),
        sa.Column('email_count', sa.Integer(), nullable=False),
        sa.Column('unreachable_count', sa.Integer(), nullable=False),
        sa.Column('opted_out_count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'],
                                name=op.f('fk_broadcast_author_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['kecamatan_kode'], ['kecamatan.kode'],
                                name=op.f('fk_broadcast_kecamatan_kode_kecamatan')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast')),
        sa.UniqueConstraint('request_key', name=op.f('uq_broadcast_request_key')),
    )
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcast_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_broadcast_kecamatan_kode'), ['kecamatan_kode'],
                              unique=False)

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opt_out_token', sa.String(length=43), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_message_opt_out_token'), ['opt_out_token'])
        batch_op.create_index(batch_op.f('ix_message_broadcast_id'), ['broadcast_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_message_broadcast_id_broadcast'), 'broadcast',
                                    ['broadcast_id'], ['id'], ondelete='SET NULL')

    op.create_table(
        'broadcast_opt_out',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'],
                                name=op.f('fk_broadcast_opt_out_message_id_message'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_opt_out')),
        sa.UniqueConstraint('address', name=op.f('uq_broadcast_opt_out_address')),
    )


def downgrade():
    op.drop_table('broadcast_opt_out')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_message_broadcast_id_broadcast'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_message_broadcast_id'))
        batch_op.drop_constraint(batch_op.f('uq_message_opt_out_token'), type_='unique')
        batch_op.drop_column('opt_out_token')
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcast_kecamatan_kode'))
        batch_op.drop_index(batch_op.f('ix_broadcast_created_at'))
    op.drop_table('broadcast')
