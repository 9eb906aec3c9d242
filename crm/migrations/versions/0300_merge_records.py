"""intake: merge records (which duplicate went into which enterprise, for display and undo)

Revision ID: 0300_intake
Revises: 0200_packs
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0300_intake'
down_revision = '0200_packs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'mergerecord',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('winner_id', sa.Integer(), nullable=False),
        sa.Column('loser_id', sa.Integer(), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('undone_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('undone_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(['winner_id'], ['enterprise.id']),
        sa.ForeignKeyConstraint(['loser_id'], ['enterprise.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_mergerecord_at'), 'mergerecord', ['at'], unique=False)
    op.create_index(op.f('ix_mergerecord_winner_id'), 'mergerecord', ['winner_id'], unique=False)
    op.create_index(op.f('ix_mergerecord_loser_id'), 'mergerecord', ['loser_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_mergerecord_loser_id'), table_name='mergerecord')
    op.drop_index(op.f('ix_mergerecord_winner_id'), table_name='mergerecord')
    op.drop_index(op.f('ix_mergerecord_at'), table_name='mergerecord')
    op.drop_table('mergerecord')
