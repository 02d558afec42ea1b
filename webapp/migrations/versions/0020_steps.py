"""steps: the steps after release (content), each trainee's state of a step, staff comments

Revision ID: 0020_steps
Revises: 0019_papers
Create Date: 2026-12-01 07:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020_steps'
down_revision = '0019_papers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('step',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step'))
    )
    op.create_table('trainee_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.String(length=40), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('waiting_since', sa.Date(), nullable=True),
    sa.Column('remind_on', sa.Date(), nullable=True),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['step_id'], ['step.id'], name=op.f('fk_trainee_step_step_id_step')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_trainee_step_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainee_step')),
    sa.UniqueConstraint('user_id', 'step_id', name=op.f('uq_trainee_step_user_id'))
    )
    with op.batch_alter_table('trainee_step', schema=None) as batch_op:
        batch_op.create_index('ix_trainee_step_user_remind', ['user_id', 'remind_on'], unique=False)

    op.create_table('step_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_step_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_step_comment_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['trainee_step_id'], ['trainee_step.id'], name=op.f('fk_step_comment_trainee_step_id_trainee_step'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_comment'))
    )
    with op.batch_alter_table('step_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_comment_trainee_step_id'), ['trainee_step_id'], unique=False)


def downgrade():
    with op.batch_alter_table('step_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_step_comment_trainee_step_id'))

    op.drop_table('step_comment')
    with op.batch_alter_table('trainee_step', schema=None) as batch_op:
        batch_op.drop_index('ix_trainee_step_user_remind')

    op.drop_table('trainee_step')
    op.drop_table('step')
