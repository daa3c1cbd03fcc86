"""Event search text: accent- and case-insensitive free-text search.

Revision ID: 2f8dc094f3f2
Revises: b3e70074d072
Create Date: 2026-11-26 17:03:21.801292

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2f8dc094f3f2"
down_revision = "b3e70074d072"
branch_labels = None
depends_on = None

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})


def _search_key(*parts):
    # A frozen copy of workshops.text.search_key: a migration must not follow later code.
    text = " ".join(part for part in parts if part).translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))

    connection = op.get_bind()
    events = sa.table(
        "events",
        sa.column("id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("summary", sa.String),
        sa.column("description", sa.Text),
        sa.column("search_text", sa.Text),
    )
    themes = sa.table("themes", sa.column("id", sa.Integer), sa.column("name", sa.String))
    links = sa.table(
        "event_themes", sa.column("event_id", sa.Integer), sa.column("theme_id", sa.Integer)
    )
    names = {}
    for event_id, name in connection.execute(
        sa.select(links.c.event_id, themes.c.name).join(themes, themes.c.id == links.c.theme_id)
    ):
        names.setdefault(event_id, []).append(name)
    rows = connection.execute(
        sa.select(events.c.id, events.c.title, events.c.summary, events.c.description)
    ).all()
    for event_id, title, summary, description in rows:
        connection.execute(
            events.update()
            .where(events.c.id == event_id)
            .values(search_text=_search_key(title, summary, description, *names.get(event_id, [])))
        )


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("search_text")
