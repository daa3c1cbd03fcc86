"""Session materials: files (stored under a random key, never their uploaded name) and
links, each with a visibility (public, registrants, organizers) and a place in the list.

Revision ID: 9749a7714276
Revises: 5d1f0c7b9a21
Create Date: 2026-12-06 06:27:33.402041

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9749a7714276"
down_revision = "5d1f0c7b9a21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_format", sa.String(length=10), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("storage_key", sa.String(length=64), nullable=True),
        sa.Column("original_name", sa.String(length=255), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(kind = 'file' AND storage_key IS NOT NULL AND original_name IS NOT NULL AND size IS NOT NULL AND sha256 IS NOT NULL AND content_type IS NOT NULL) OR (kind = 'link' AND url IS NOT NULL AND storage_key IS NULL)",
            name=op.f("ck_materials_file_or_link"),
        ),
        sa.CheckConstraint("kind IN ('file', 'link')", name=op.f("ck_materials_kind")),
        sa.CheckConstraint(
            "visibility IN ('public', 'registrants', 'organizers')",
            name=op.f("ck_materials_visibility"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_materials_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_materials_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_materials")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_materials_storage_key")),
    )
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.create_index("ix_materials_event_position", ["event_id", "position"], unique=False)


def downgrade():
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.drop_index("ix_materials_event_position")

    op.drop_table("materials")
