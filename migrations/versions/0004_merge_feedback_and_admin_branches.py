"""merge feedback and admin branches

Revision ID: 0004_merge
Revises: 0002_feedback, 0003_admin
Create Date: 2026-11-26 15:20:32.338712
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_merge'
down_revision = ('0002_feedback', '0003_admin')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
