"""handled: a teacher marks a trainee's Today line as handled

Revision ID: 0015_handled
Revises: 0014_signin
Create Date: 2026-11-30 15:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_handled'
down_revision = '0014_signin'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('handled_line',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('handled_by', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['cohort.id'], name=op.f('fk_handled_line_group_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handled_by'], ['user_account.id'], name=op.f('fk_handled_line_handled_by_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['trainee_id'], ['user_account.id'], name=op.f('fk_handled_line_trainee_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'trainee_id', name=op.f('pk_handled_line'))
    )


def downgrade():
    op.drop_table('handled_line')
