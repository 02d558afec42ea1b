"""titles: a group prepares one catering title; questions reach its CCPs through their competency

Revision ID: 0013_titles
Revises: 0012_outbox
Create Date: 2026-11-30 15:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_titles'
down_revision = '0012_outbox'
branch_labels = None
depends_on = None


def upgrade():
    # Groups that existed before the choice prepared Agent de restauration.
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=8), nullable=False,
                                      server_default='AR'))
    with op.batch_alter_table('mock_exam', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=8), nullable=False,
                                      server_default='AR'))
    # A question's CCP now follows from its competency and the group's title (`flask bank load`
    # fills the competency of every question).
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_ccp'))
        batch_op.drop_column('ccp')
        batch_op.create_index(batch_op.f('ix_question_competency'), ['competency'], unique=False)


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_competency'))
        batch_op.add_column(sa.Column('ccp', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_question_ccp'), ['ccp'], unique=False)
    with op.batch_alter_table('mock_exam', schema=None) as batch_op:
        batch_op.drop_column('title')
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('title')
