"""content: teacher lessons scoped, live rooms capped, nicknames by confusable skeleton

Revision ID: 0010_content
Revises: 0009_rights
Create Date: 2026-11-30 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010_content'
down_revision = '0009_rights'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))

    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('player_count', sa.Integer(), server_default='0',
                                      nullable=False))
    op.execute("UPDATE live_session SET player_count = (SELECT count(*) FROM live_player "
               "WHERE live_player.session_id = live_session.id)")

    # Players of older sessions get keys that match nothing: those sessions are over (they
    # expire after LIVE_SESSION_HOURS), so no one joins them any more.
    with op.batch_alter_table('live_player', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nickname_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('skeleton_key', sa.String(length=64), nullable=True))
    op.execute("UPDATE live_player SET nickname_key = 'legacy-' || id, "
               "skeleton_key = 'legacy-' || id")
    with op.batch_alter_table('live_player', schema=None) as batch_op:
        batch_op.alter_column('nickname_key', existing_type=sa.String(length=64),
                              nullable=False)
        batch_op.alter_column('skeleton_key', existing_type=sa.String(length=64),
                              nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_live_player_nickname_key'),
                                          ['session_id', 'nickname_key'])
        batch_op.create_unique_constraint(batch_op.f('uq_live_player_skeleton_key'),
                                          ['session_id', 'skeleton_key'])


def downgrade():
    with op.batch_alter_table('live_player', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_live_player_skeleton_key'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_live_player_nickname_key'), type_='unique')
        batch_op.drop_column('skeleton_key')
        batch_op.drop_column('nickname_key')

    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.drop_column('player_count')

    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.drop_column('published')
