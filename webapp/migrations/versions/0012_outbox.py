"""outbox: a client id on goal steps, so a step sent twice is added once

Revision ID: 0012_outbox
Revises: 0011_impact
Create Date: 2026-11-30 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012_outbox'
down_revision = '0011_impact'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('goal_step', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_goal_step_client_id'), ['client_id'])


def downgrade():
    with op.batch_alter_table('goal_step', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_goal_step_client_id'), type_='unique')
        batch_op.drop_column('client_id')
