"""understanding: vocabulary, labelled questions, trained rankers, data version counter

Revision ID: 0009_understanding
Revises: 0008_staff_insight
Create Date: 2026-12-01 14:00:00
"""
import datetime

from alembic import op
import sqlalchemy as sa


revision = '0009_understanding'
down_revision = '0008_staff_insight'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'lexicon_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('phrase', sa.String(length=300), nullable=False),
        sa.Column('value', sa.String(length=1000), nullable=False),
        sa.Column('accents_required', sa.Boolean(), nullable=False),
        sa.Column('origin', sa.String(length=20), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('modified_by', sa.String(length=100), nullable=False),
        sa.Column('modified_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lexicon_entries')),
        sa.UniqueConstraint('kind', 'phrase', 'value', name='uq_lexicon_entries_kind_phrase_value'),
    )
    op.create_index(op.f('ix_lexicon_entries_kind'), 'lexicon_entries', ['kind'], unique=False)
    op.create_table(
        'labelled_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('folded', sa.String(length=1000), nullable=False),
        sa.Column('procedure_code', sa.String(length=32), nullable=False),
        sa.Column('fact', sa.String(length=30), nullable=False),
        sa.Column('origin', sa.String(length=20), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_labelled_questions')),
        sa.UniqueConstraint('folded', 'procedure_code', name='uq_labelled_questions_folded_code'),
    )
    op.create_index(op.f('ix_labelled_questions_procedure_code'), 'labelled_questions', ['procedure_code'], unique=False)
    op.create_table(
        'ranker_models',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('blob', sa.LargeBinary(), nullable=False),
        sa.Column('report', sa.Text(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ranker_models')),
    )
    op.create_index(op.f('ix_ranker_models_active'), 'ranker_models', ['active'], unique=False)
    versions = op.create_table(
        'data_versions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_data_versions')),
    )
    op.bulk_insert(versions, [{'name': 'knowledge', 'version': 0, 'changed_at': datetime.datetime(2026, 12, 1)}])


def downgrade() -> None:
    op.drop_table('data_versions')
    op.drop_index(op.f('ix_ranker_models_active'), table_name='ranker_models')
    op.drop_table('ranker_models')
    op.drop_index(op.f('ix_labelled_questions_procedure_code'), table_name='labelled_questions')
    op.drop_table('labelled_questions')
    op.drop_index(op.f('ix_lexicon_entries_kind'), table_name='lexicon_entries')
    op.drop_table('lexicon_entries')
