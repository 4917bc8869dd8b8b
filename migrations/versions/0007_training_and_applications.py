"""training runs shared across replicas, training workers, application status imports

Revision ID: 0007_training_and_applications
Revises: 0009_understanding
Create Date: 2026-12-01 13:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_training_and_applications'
down_revision = '0009_understanding'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('training_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('options_json', sa.Text(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('worker', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('log_tail', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('report_json', sa.Text(), nullable=False, server_default=''))
    # The server defaults only fill existing rows; the models set every value themselves.
    with op.batch_alter_table('training_runs', schema=None) as batch_op:
        for name in ('options_json', 'worker', 'log_tail', 'report_json'):
            batch_op.alter_column(name, server_default=None)

    op.create_table('training_workers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_workers')),
    sa.UniqueConstraint('name', name=op.f('uq_training_workers_name'))
    )
    op.create_table('application_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_imports'))
    )


def downgrade() -> None:
    op.drop_table('application_imports')
    op.drop_table('training_workers')
    with op.batch_alter_table('training_runs', schema=None) as batch_op:
        for name in ('report_json', 'log_tail', 'heartbeat_at', 'worker', 'options_json'):
            batch_op.drop_column(name)
