"""voice: a teacher's own recordings of the texts of their lessons

Revision ID: 0016_voice
Revises: 0015_handled
Create Date: 2026-12-01 02:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016_voice'
down_revision = '0015_handled'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('voice_recording',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=80), nullable=False),
    sa.Column('words', sa.String(length=32), nullable=False),
    sa.Column('sha', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_voice_recording_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_voice_recording_lesson_id_lesson'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_recording')),
    sa.UniqueConstraint('lesson_id', 'words', name=op.f('uq_voice_recording_lesson_id'))
    )
    with op.batch_alter_table('voice_recording', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voice_recording_sha'), ['sha'], unique=False)


def downgrade():
    with op.batch_alter_table('voice_recording', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voice_recording_sha'))
    op.drop_table('voice_recording')
