"""fact rules and coverage

Fees and times as rules (label, case, unit, minimum/maximum, validity period, legal basis); procedure
coverage and freshness (source kind, details present, portal id, usage weight, import date); where an
alias came from; and a log of what each import changed.

Revision ID: 0005_fact_rules_and_coverage
Revises: 0007_training_and_applications
Create Date: 2026-12-01 14:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_fact_rules_and_coverage'
down_revision = '0007_training_and_applications'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_kind', sa.String(length=30), nullable=False,
                                      server_default='national_catalogue'))
        batch_op.add_column(sa.Column('has_details', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('portal_id', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('issuing_body', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('usage_weight', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('in_province_list', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('loaded_by', sa.String(length=20), nullable=False, server_default='staff'))
        batch_op.add_column(sa.Column('imported_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('related_codes', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_procedures_updated_on'), ['updated_on'], unique=False)

    with op.batch_alter_table('channel_options', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_label', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('case_name', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('fee_unit', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('fee_min', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fee_max', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fee_limit_unit', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('fee_basis', sa.String(length=100), nullable=False, server_default=''))

    with op.batch_alter_table('aliases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), nullable=False, server_default='staff'))

    op.create_table(
        'import_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs')),
    )
    op.create_table(
        'import_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('procedure_code', sa.String(length=32), nullable=False),
        sa.Column('change', sa.String(length=20), nullable=False),
        sa.Column('before', sa.Text(), nullable=False),
        sa.Column('after', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['import_runs.id'],
                                name=op.f('fk_import_changes_run_id_import_runs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_changes')),
    )
    with op.batch_alter_table('import_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_changes_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_changes_procedure_code'), ['procedure_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('import_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_changes_procedure_code'))
        batch_op.drop_index(batch_op.f('ix_import_changes_run_id'))
    op.drop_table('import_changes')
    op.drop_table('import_runs')
    with op.batch_alter_table('aliases', schema=None) as batch_op:
        batch_op.drop_column('source')
    with op.batch_alter_table('channel_options', schema=None) as batch_op:
        for name in ('fee_basis', 'valid_to', 'valid_from', 'fee_limit_unit', 'fee_max', 'fee_min', 'fee_unit',
                     'case_name', 'time_label'):
            batch_op.drop_column(name)
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedures_updated_on'))
        for name in ('related_codes', 'imported_at', 'loaded_by', 'in_province_list', 'usage_weight', 'issuing_body', 'portal_id',
                     'has_details', 'source_kind'):
            batch_op.drop_column(name)
