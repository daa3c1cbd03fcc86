"""Participants get a session token: a /mes-inscriptions cookie must hold it, so that a
cookie naming a deleted participant's id never opens the next person's space, and signing
out (a new token) ends every copy of the session.

Revision ID: 5d1f0c7b9a21
Revises: e673ae47c15b
Create Date: 2026-12-06 04:10:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5d1f0c7b9a21"
down_revision = "e673ae47c15b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    participants = sa.table("participants", sa.column("id"), sa.column("session_token"))
    connection = op.get_bind()
    for (participant_id,) in connection.execute(sa.select(participants.c.id)).all():
        connection.execute(
            participants.update()
            .where(participants.c.id == participant_id)
            .values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("session_token")
