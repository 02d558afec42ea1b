"""impact: frozen cells of the impact report

Revision ID: 0011_impact
Revises: 0010_content
Create Date: 2026-11-30 11:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_impact'
down_revision = '0010_content'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('impact_cell',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('family', sa.String(length=10), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['cohort.id'], name=op.f('fk_impact_cell_group_id_cohort'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'quarter', 'family', name=op.f('pk_impact_cell'))
    )


def downgrade():
    op.drop_table('impact_cell')
