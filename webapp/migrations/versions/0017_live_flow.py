"""live_flow: a live question's countdown (its deadline, or the seconds left while paused) and
when the missed questions were sent to the trainees' revision

Revision ID: 0017_live_flow
Revises: 0016_voice
Create Date: 2026-12-01 02:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017_live_flow'
down_revision = '0016_voice'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('paused_left', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_sent_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.drop_column('review_sent_at')
        batch_op.drop_column('paused_left')
        batch_op.drop_column('deadline')
