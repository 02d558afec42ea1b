"""candidates: people inside applying to a group, their dated stages, new trainees' check-ins

Revision ID: 0024_candidates
Revises: 0023_placements
Create Date: 2026-12-01 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_candidates'
down_revision = '0023_placements'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('prison', sa.String(length=120), nullable=False),
    sa.Column('release_on', sa.Date(), nullable=True),
    sa.Column('probation_contact', sa.String(length=200), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('stage_since', sa.Date(), nullable=False),
    sa.Column('hearing_on', sa.Date(), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=True),
    sa.Column('missing_documents', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['cohort.id'], name=op.f('fk_candidate_group_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trainee_id'], ['user_account.id'], name=op.f('fk_candidate_trainee_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate'))
    )
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('candidate_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], name=op.f('fk_candidate_move_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_candidate_move_candidate_id_candidate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_move'))
    )
    with op.batch_alter_table('candidate_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_move_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('welcome_checkin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('mood', sa.Integer(), nullable=False),
    sa.Column('needs_help', sa.Boolean(), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_welcome_checkin_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_welcome_checkin')),
    sa.UniqueConstraint('client_id', name=op.f('uq_welcome_checkin_client_id')),
    sa.UniqueConstraint('user_id', 'day', name=op.f('uq_welcome_checkin_user_id'))
    )
    with op.batch_alter_table('welcome_checkin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_welcome_checkin_user_id'), ['user_id'], unique=False)

    op.create_table('staff_photo',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_staff_photo_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_staff_photo'))
    )


def downgrade():
    op.drop_table('staff_photo')
    with op.batch_alter_table('welcome_checkin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_welcome_checkin_user_id'))
    op.drop_table('welcome_checkin')
    with op.batch_alter_table('candidate_move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_move_candidate_id'))
    op.drop_table('candidate_move')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_candidate_group_id'))
    op.drop_table('candidate')
