"""matchresult read_at: when the facts a stored verdict came from were read

A verdict is stored by upsert only over one computed from facts read earlier: a re-match that read the
data before an officer's edit never overwrites the single match made after it.

Revision ID: 1300_matchresult_read_at
Revises: 1200_data_requests
Create Date: 2026-12-02 17:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '1300_matchresult_read_at'
down_revision = '1200_data_requests'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matchresult', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('matchresult', schema=None) as batch_op:
        batch_op.drop_column('read_at')
