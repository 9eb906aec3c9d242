"""pack records: generated service packs in an enterprise's history

Revision ID: 0200_packs
Revises: 0100_applications
Create Date: 2026-11-28 12:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0200_packs'
down_revision = '0100_applications'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('packrecord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('officer', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('officer_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('rules_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('data_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('verdicts', sa.JSON(), nullable=False),
    sa.Column('file_path', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('batch_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('packrecord', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packrecord_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_packrecord_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_packrecord_enterprise_id'), ['enterprise_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('packrecord', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packrecord_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_packrecord_created_at'))
        batch_op.drop_index(batch_op.f('ix_packrecord_batch_id'))
    op.drop_table('packrecord')
