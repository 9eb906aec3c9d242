"""saved filters: an officer's named filter sets on the enterprise list

Revision ID: 0800_saved_filters
Revises: 0700_bigram_indexes
Create Date: 2026-12-02 10:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0800_saved_filters'
down_revision = '0700_bigram_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'savedfilter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('officer', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('screen', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('officer', 'screen', 'name', name='uq_savedfilter_officer_screen_name'),
    )
    with op.batch_alter_table('savedfilter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_savedfilter_officer'), ['officer'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('savedfilter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_savedfilter_officer'))
    op.drop_table('savedfilter')
