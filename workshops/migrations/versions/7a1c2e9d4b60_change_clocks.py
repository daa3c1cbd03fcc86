"""Change clocks: when events last changed, removals included (calendar feeds' Last-Modified);
themes remember when they were first public (the themes a feed URL may name).

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

    op.add_column("themes", sa.Column("first_public_at", sa.DateTime(timezone=True)))
    # A theme on a session the public sees now has been public since that session's first
    # publication at the latest.
    themes = sa.table(
        "themes", sa.column("id"), sa.column("first_public_at", sa.DateTime(timezone=True))
    )
    public = sa.table(
        "events",
        sa.column("id"),
        sa.column("status"),
        sa.column("first_published_at", sa.DateTime(timezone=True)),
    )
    links = sa.table("event_themes", sa.column("event_id"), sa.column("theme_id"))
    connection.execute(
        themes.update().values(
            first_public_at=sa.select(sa.func.min(public.c.first_published_at))
            .select_from(public.join(links, links.c.event_id == public.c.id))
            .where(
                links.c.theme_id == themes.c.id,
                public.c.status.in_(("published", "cancelled")),
            )
            .scalar_subquery()
        )
    )


def downgrade():
    with op.batch_alter_table("themes") as batch_op:
        batch_op.drop_column("first_public_at")
    op.drop_table("change_clocks")
