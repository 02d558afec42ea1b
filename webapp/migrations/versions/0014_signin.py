"""signin: the token of a login card's QR code, stored as a hash

Revision ID: 0014_signin
Revises: 0013_titles
Create Date: 2026-11-30 15:30:00

Passphrase hashes need no change here: hashes made before normalising are still verified
against the phrase as typed, and replaced by a hash of the normalised form at the next sign-in
(webapp/accounts/passphrases.py, check()).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_signin'
down_revision = '0013_titles'
branch_labels = None
depends_on = None


def upgrade():
    # Cards printed before have no token: their QR still only fills in the username.
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_account_card_token_hash'),
                                          ['card_token_hash'])


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_account_card_token_hash'), type_='unique')
        batch_op.drop_column('card_token_hash')
