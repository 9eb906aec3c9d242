"""officer office: the officer's department, printed with their name, phone and e-mail on service packs

Revision ID: 1000_officer_office
Revises: 0900_match_values
Create Date: 2026-12-02 17:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '1000_officer_office'
down_revision = '0900_match_values'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('officer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('officer', schema=None) as batch_op:
        batch_op.drop_column('office')
