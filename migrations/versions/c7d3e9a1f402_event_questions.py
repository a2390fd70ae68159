"""custom registration questions per event (issue 15.4): event_question (text, number, yes_no,
choice, choices; required; shown on the daftar hadir) and registration_answer (one per
registration and question: the unique constraint is the guard)

Revision ID: c7d3e9a1f402
Revises: b5c2e8f41a07
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c7d3e9a1f402'
down_revision = 'b5c2e8f41a07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('on_daftar_hadir', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_question_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_question'))
    )
    with op.batch_alter_table('event_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_question_event_id'), ['event_id'], unique=False)

    op.create_table('registration_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['event_question.id'], name=op.f('fk_registration_answer_question_id_event_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_registration_answer_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_answer')),
    sa.UniqueConstraint('registration_id', 'question_id', name=op.f('uq_registration_answer_registration_id_question_id'))
    )
    with op.batch_alter_table('registration_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_answer_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_answer_registration_id'), ['registration_id'], unique=False)


def downgrade():
    with op.batch_alter_table('registration_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_answer_registration_id'))
        batch_op.drop_index(batch_op.f('ix_registration_answer_question_id'))

    op.drop_table('registration_answer')
    with op.batch_alter_table('event_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_question_event_id'))

    op.drop_table('event_question')
