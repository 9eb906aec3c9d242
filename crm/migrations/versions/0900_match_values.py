"""match values: each stored verdict carries the policy's estimated benefit (low and high, CNY)

Revision ID: 0900_match_values
Revises: 0800_saved_filters
Create Date: 2026-12-02 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0900_match_values'
down_revision = '0800_saved_filters'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matchresult', schema=None) as batch_op:
        batch_op.add_column(sa.Column('value_low', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('value_high', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('matchresult', schema=None) as batch_op:
        batch_op.drop_column('value_high')
        batch_op.drop_column('value_low')
