"""Change clocks: when events last changed, removals included (calendar feeds' Last-Modified).

Revision ID: 7a1c2e9d4b60
Revises: 13c463845e59
Create Date: 2026-11-28 16:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7a1c2e9d4b60"
down_revision = "13c463845e59"
branch_labels = None
depends_on = None


def upgrade():
    clocks = op.create_table(
        "change_clocks",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_change_clocks")),
    )
    # Start the events clock at the last change already made, so that feeds served right
    # after the upgrade keep the Last-Modified they had.
    connection = op.get_bind()
    events = sa.table("events", sa.column("updated_at", sa.DateTime(timezone=True)))
    last = connection.execute(sa.select(sa.func.max(events.c.updated_at))).scalar()
    if last is not None:
        op.bulk_insert(clocks, [{"name": "events", "changed_at": last}])


def downgrade():
    op.drop_table("change_clocks")
