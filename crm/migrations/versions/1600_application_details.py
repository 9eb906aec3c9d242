"""application details and stage transitions

An application records what was applied for, approved and paid (fen, like every amount), when it was
submitted and paid, the names of its files and a note on the result; each stage may list the stages an
application may move to next (NULL: the default, any later stage, one back or any closing stage).

Revision ID: 1600_application_details
Revises: 1500_sign_in_hardening
Create Date: 2026-12-02 18:05:00
"""
import sqlalchemy as sa
from alembic import op

revision = '1600_application_details'
down_revision = '1500_sign_in_hardening'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount_applied', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('amount_paid', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('submitted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('paid_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('files', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('result_note', sa.String(length=1000), nullable=True))
    with op.batch_alter_table('pipelinestage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_stages', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pipelinestage', schema=None) as batch_op:
        batch_op.drop_column('next_stages')
    with op.batch_alter_table('application', schema=None) as batch_op:
        for name in ('result_note', 'files', 'paid_on', 'submitted_on', 'amount_paid', 'amount_applied'):
            batch_op.drop_column(name)
