"""staff insight: conversation turns, answer ratings, petition handling and notices

Revision ID: 0008_staff_insight
Revises: 0004_merge
Create Date: 2026-12-01 13:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_staff_insight'
down_revision = '0004_merge'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversation_turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('sender_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('procedure_code', sa.String(length=60), nullable=False),
    sa.Column('fact', sa.String(length=30), nullable=False),
    sa.Column('intent', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_turns'))
    )
    with op.batch_alter_table('conversation_turns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_turns_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_turns_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_turns_sender_hash'), ['sender_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_turns_procedure_code'), ['procedure_code'], unique=False)

    op.create_table('answer_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('sender_hash', sa.String(length=64), nullable=False),
    sa.Column('subject_kind', sa.String(length=20), nullable=False),
    sa.Column('subject_code', sa.String(length=100), nullable=False),
    sa.Column('fact', sa.String(length=30), nullable=False),
    sa.Column('answer_hash', sa.String(length=64), nullable=False),
    sa.Column('rating', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_ratings')),
    sa.UniqueConstraint('sender_hash', 'answer_hash', name='uq_answer_ratings_sender_answer')
    )
    with op.batch_alter_table('answer_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_ratings_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_ratings_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_ratings_subject_code'), ['subject_code'], unique=False)

    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reply_address', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('assigned_agency', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('assigned_officer', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('transferred_to', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('answer_text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('answer_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('transfer_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_petitions_closed_at'), ['closed_at'], unique=False)

    op.create_table('petition_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('conversation_ref', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_petition_notices_petition_id_petitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_notices'))
    )
    with op.batch_alter_table('petition_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_notices_petition_id'), ['petition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_notices_conversation_ref'), ['conversation_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_notices_status'), ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('petition_notices')
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petitions_closed_at'))
        for column in ('closed_at', 'transfer_due', 'answer_due', 'answer_text', 'transferred_to',
                       'assigned_officer', 'assigned_agency', 'reply_address', 'channel'):
            batch_op.drop_column(column)
    op.drop_table('answer_ratings')
    op.drop_table('conversation_turns')
