"""pipeline radar and dashboard indexes: per-officer stalls, covering counts, matches by policy/outcome

Revision ID: 0600_pipeline_indexes
Revises: 0500_list_indexes
Create Date: 2026-11-28 12:40:00
"""
from alembic import op


revision = '0600_pipeline_indexes'
down_revision = '0500_list_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # briefly shipped inside 0100: a database migrated then already has it
    op.create_index('ix_application_owner_stage_since', 'application', ['owner_officer_id', 'stage', 'stage_since'],
                    unique=False, if_not_exists=True)
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index('ix_application_stage_cycle', ['stage', 'cycle', 'deleted_at'], unique=False)
        batch_op.create_index('ix_application_decided_cover', ['decided_on', 'stage', 'policy_id', 'amount_secured', 'deleted_at'], unique=False)
    with op.batch_alter_table('matchresult', schema=None) as batch_op:
        batch_op.create_index('ix_matchresult_policy_outcome_enterprise', ['policy_id', 'outcome', 'enterprise_id'], unique=False)
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.create_index('ix_enterprise_owner_officer_id', ['owner_officer_id'], unique=False)
        batch_op.create_index('ix_enterprise_place_cover', ['street', 'sports_division', 'deleted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_place_cover')
        batch_op.drop_index('ix_enterprise_owner_officer_id')
    with op.batch_alter_table('matchresult', schema=None) as batch_op:
        batch_op.drop_index('ix_matchresult_policy_outcome_enterprise')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_decided_cover')
        batch_op.drop_index('ix_application_stage_cycle')
        batch_op.drop_index('ix_application_owner_stage_since')
