"""rights: account erasure requests, audit events searchable by action

Revision ID: 0009_rights
Revises: 0008_auth
Create Date: 2026-11-30 11:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0009_rights'
down_revision = '0008_auth'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'erasure_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_erasure_request_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_request')),
        sa.UniqueConstraint('user_id', name=op.f('uq_erasure_request_user_id')),
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))
    op.drop_table('erasure_request')
