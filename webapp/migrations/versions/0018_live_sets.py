"""live sets: question sets a volunteer writes or picks, their shares with groups, pictures

Revision ID: 0018_live_sets
Revises: 0017_live_flow
Create Date: 2026-12-01 02:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018_live_sets'
down_revision = '0017_live_flow'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('live_picture',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_live_picture'))
    )
    op.create_table('live_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('question_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_live_set_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_set')),
    sa.UniqueConstraint('client_id', name=op.f('uq_live_set_client_id'))
    )
    with op.batch_alter_table('live_set', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_set_user_id'), ['user_id'], unique=False)

    op.create_table('live_set_share',
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['cohort.id'], name=op.f('fk_live_set_share_group_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_id'], ['live_set.id'], name=op.f('fk_live_set_share_set_id_live_set'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('set_id', 'group_id', name=op.f('pk_live_set_share'))
    )
    with op.batch_alter_table('live_set_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_set_share_group_id'), ['group_id'], unique=False)



def downgrade():
    with op.batch_alter_table('live_set_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_set_share_group_id'))

    op.drop_table('live_set_share')
    with op.batch_alter_table('live_set', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_set_user_id'))

    op.drop_table('live_set')
    op.drop_table('live_picture')
