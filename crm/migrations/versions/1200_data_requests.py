"""data requests: the 企业信息补充表 sent to enterprises; each audit entry says where its value came from

Revision ID: 1200_data_requests
Revises: 1100_live_unique_keys
Create Date: 2026-12-02 17:20:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '1200_data_requests'
down_revision = '1100_live_unique_keys'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'datarequest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('deleted_at', sa.DateTime(), nullable=True),
        sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('uscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
        sa.Column('officer', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('checks', sa.JSON(), nullable=False),
        sa.Column('returned_at', sa.DateTime(), nullable=True),
        sa.Column('returned_file', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column('applied', sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('sent', 'returned', 'closed')", name='ck_datarequest_status'),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('datarequest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_datarequest_token'), ['token'], unique=True)
        batch_op.create_index(batch_op.f('ix_datarequest_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_datarequest_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_datarequest_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_datarequest_deleted_at'), ['deleted_at'], unique=False)
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_column('source')
    with op.batch_alter_table('datarequest', schema=None) as batch_op:
        for name in ('deleted_at', 'status', 'due_date', 'enterprise_id', 'token'):
            batch_op.drop_index(batch_op.f(f'ix_datarequest_{name}'))
    op.drop_table('datarequest')
