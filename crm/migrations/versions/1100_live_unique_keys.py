"""live unique keys: one live enterprise per credit code, one live application per enterprise x policy x cycle

Partial unique indexes (WHERE deleted_at IS NULL) on both databases: a soft-deleted record keeps its
code without blocking a new one, and two officers creating the same one at once cannot both succeed.
Refuses to run, naming them, while live enterprises share a credit code: merge them first.

Revision ID: 1100_live_unique_keys
Revises: 1000_officer_office
Create Date: 2026-12-02 17:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '1100_live_unique_keys'
down_revision = '1000_officer_office'
branch_labels = None
depends_on = None

LIVE = sa.text('deleted_at IS NULL')


def upgrade() -> None:
    _refuse_duplicate_codes()
    op.create_index('uq_enterprise_live_uscc', 'enterprise', ['uscc'], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint('uq_application_enterprise_policy_cycle', type_='unique')
    op.create_index('uq_application_live', 'application', ['enterprise_id', 'policy_id', 'cycle'], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    op.drop_index('uq_application_live', table_name='application')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_application_enterprise_policy_cycle',
                                          ['enterprise_id', 'policy_id', 'cycle'])
    op.drop_index('uq_enterprise_live_uscc', table_name='enterprise')


def _refuse_duplicate_codes() -> None:
    rows = op.get_bind().execute(sa.text(
        "SELECT uscc, id, name FROM enterprise WHERE deleted_at IS NULL AND uscc IN ("
        " SELECT uscc FROM enterprise WHERE deleted_at IS NULL AND uscc IS NOT NULL"
        " GROUP BY uscc HAVING COUNT(*) > 1) ORDER BY uscc, id"
    )).all()
    if not rows:
        return
    codes: dict[str, list[str]] = {}
    for code, _id, name in rows:
        codes.setdefault(code, []).append(f'“{name}”')
    shown = '；'.join(f"{code}：{'、'.join(names)}" for code, names in list(codes.items())[:20])
    raise RuntimeError(
        f'数据库升级未进行：{len(codes)} 个统一社会信用代码被多家在册企业同时使用（{shown}）。'
        '请先用旧版本在“导入导出 → 疑似重复”中合并这些企业（或更正其中的信用代码），再启动新版本。'
        f' / Upgrade not applied: {len(codes)} credit codes are shared by several live enterprises; '
        'merge them (or correct the codes) with the previous version first.'
    )
