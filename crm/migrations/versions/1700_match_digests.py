"""match digests: each stored verdict carries a 48-bit fingerprint of its content, so a re-match compares
fingerprints (per enterprise, summed, from one covering index) and writes only the verdicts that changed

Revision ID: 1700_match_digests
Revises: 1600_application_details
Create Date: 2026-12-02 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '1700_match_digests'
down_revision = '1600_application_details'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matchresult', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest', sa.BigInteger(), nullable=True))
    op.create_index('ix_matchresult_enterprise_digest', 'matchresult', ['enterprise_id', 'digest'])


def downgrade() -> None:
    op.drop_index('ix_matchresult_enterprise_digest', table_name='matchresult')
    with op.batch_alter_table('matchresult', schema=None) as batch_op:
        batch_op.drop_column('digest')
