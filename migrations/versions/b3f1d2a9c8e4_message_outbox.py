"""message: the outbox every WhatsApp and email message leaves through (issue 12)

Revision ID: b3f1d2a9c8e4
Revises: e7a41c9d2b50
Create Date: 2026-11-29 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3f1d2a9c8e4'
down_revision = 'e7a41c9d2b50'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('template', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('attachment', sa.String(length=120), nullable=True),
        sa.Column('wa_template', sa.JSON(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_by', sa.String(length=80), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('provider_id', sa.String(length=128), nullable=True),
        sa.Column('delivery_status', sa.String(length=12), nullable=True),
        sa.Column('delivery_updated_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('cause_user_id', sa.Integer(), nullable=True),
        sa.Column('cause_type', sa.String(length=40), nullable=False),
        sa.Column('cause_id', sa.String(length=40), nullable=True),
        sa.Column('broadcast_id', sa.Integer(), nullable=True),
        sa.Column('resend_of_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['cause_user_id'], ['user.id'],
                                name=op.f('fk_message_cause_user_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['resend_of_id'], ['message.id'],
                                name=op.f('fk_message_resend_of_id_message'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index('ix_message_status_next_attempt_at', ['status', 'next_attempt_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_message_template'), ['template'], unique=False)


def downgrade():
    op.drop_table('message')
