"""Numbers read from URLs, bounded so that the database never sees one out of its range.

PostgreSQL refuses an `integer` parameter past 2**31 - 1 (and any offset past 2**63 - 1)
with an error, which would be a 500; such a number can only name a missing page: 404.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from werkzeug.routing import IntegerConverter

from .extensions import db

#: The largest value of an `Integer` primary key on PostgreSQL (int4).
MAX_ID = 2**31 - 1
#: Far more pages than any list will have, and an offset every database accepts.
MAX_PAGE = 1_000_000


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only ids an Integer column can hold (else the route is 404),
    written in ASCII digits: werkzeug's `\\d` also takes "١" or "１", one page many URLs."""

    regex = r"[0-9]+"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def page_number() -> int:
    """The `page` query parameter; 404 unless it is a page number a list could have."""
    raw = request.args.get("page", "1")
    # The length check first: int() of a huge string is slow, then refused.
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE)):
        page = int(raw)
        if 1 <= page <= MAX_PAGE:
            return page
    abort(404)


def paginate_or_404(query: Select[Any], per_page_setting: str) -> Pagination:
    """The page of `query` the `page` parameter asks for, `per_page_setting` rows a page.

    A page past the end is a 404 (a bookmarked page 3 of a list that shrank, or a forged
    number), except page 1, which is an empty list with its own message.
    """
    # error_out: Flask-SQLAlchemy answers 404 for an empty page other than the first.
    return db.paginate(
        query, page=page_number(), per_page=current_app.config[per_page_setting], error_out=True
    )
