"""auth: sign-in throttle counts, and when account notices were last shown

Revision ID: 0008_auth
Revises: 0007_dashboard
Create Date: 2026-11-30 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0008_auth'
down_revision = '0007_dashboard'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_throttle',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_at', sa.BigInteger(), nullable=False),
        sa.Column('not_before', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle')),
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notices_seen_at', sa.DateTime(timezone=True), nullable=True))
    # People who already signed in are told about what happens from now on.
    op.execute(sa.text(
        "UPDATE user_account SET notices_seen_at = CURRENT_TIMESTAMP WHERE last_seen_on IS NOT NULL"
    ))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('notices_seen_at')
    op.drop_table('sign_in_throttle')
