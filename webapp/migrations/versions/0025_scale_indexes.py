"""scale indexes: what a national network's pages look up by, measured by `make bench-scale`

Revision ID: 0025_scale_indexes
Revises: 0024_candidates
Create Date: 2026-12-01 10:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025_scale_indexes'
down_revision = '0024_candidates'
branch_labels = None
depends_on = None


def upgrade():
    # A person's groups: the membership's key starts with the group, so every page that asks
    # "which groups is this user in" read the whole table (100,000 rows at national scale).
    with op.batch_alter_table('group_membership', schema=None) as batch_op:
        batch_op.create_index('ix_group_membership_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('group_membership', schema=None) as batch_op:
        batch_op.drop_index('ix_group_membership_user_id')
