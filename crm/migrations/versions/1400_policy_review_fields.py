"""policy review fields: main-business revenue per year, strategic-emerging field, high-value IP, award rank

The 创新型中小企业 standard (工信部企业〔2022〕63号 附件1) scores main-business growth and share, the strategic
emerging field and high-value Class I IP; award routes need the enterprise's rank among the award units.

Revision ID: 1400_policy_review_fields
Revises: 1300_matchresult_read_at
Create Date: 2026-12-02 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '1400_policy_review_fields'
down_revision = '1300_matchresult_read_at'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('strategic_emerging', sa.Boolean(), nullable=True))
    with op.batch_alter_table('fiscalyear', schema=None) as batch_op:
        batch_op.add_column(sa.Column('main_business_revenue', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('ipasset', schema=None) as batch_op:
        batch_op.add_column(sa.Column('high_value', sa.Boolean(), nullable=True))
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rank', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.drop_column('rank')
    with op.batch_alter_table('ipasset', schema=None) as batch_op:
        batch_op.drop_column('high_value')
    with op.batch_alter_table('fiscalyear', schema=None) as batch_op:
        batch_op.drop_column('main_business_revenue')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('strategic_emerging')
