"""sign-in hardening: atomic attempt counters per username and per address, a session epoch per officer

Revision ID: 1500_sign_in_hardening
Revises: 1400_policy_review_fields
Create Date: 2026-12-02 17:45:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '1500_sign_in_hardening'
down_revision = '1400_policy_review_fields'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'loginthrottle',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('officer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default=sa.text('0'), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('officer', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
    op.drop_table('loginthrottle')
