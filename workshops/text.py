"""Markdown rendering with an allow-list sanitizer, and slugs.

Markdown comes from organizers and admins; it is rendered with markdown-it (raw HTML
disabled) and then cleaned by nh3 against an allow-list, so neither a script nor a
`javascript:` link reaches a visitor even if an account is compromised.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.attrs import attrs_plugin

#: Characters no one types on purpose: NUL, the other C0 controls except tab and line
#: breaks, DEL, and the bidi embeddings, overrides and isolates, which reorder how the text
#: around them is shown (a name or title could display as something else). Forms refuse
#: them (security.refuse_unsafe_input); what renders text strips them, since a Markdown
#: character reference ("&#x202E;") would otherwise bring them back.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def strip_forbidden(text: str) -> str:
    return FORBIDDEN_CHARACTERS.sub("", text)


ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    # No attribute on every tag: nh3 (ammonia) would otherwise allow `lang` and `title`.
    "*": set(),
    "a": {"href", "title", "lang"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "span": {"lang"},
    "th": {"scope"},
}
#: A language tag such as "en" or "de-CH" (BCP 47, simplified): nothing else passes as `lang`.
_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
ALLOWED_SCHEMES = {"http", "https", "mailto"}


#: Heading ids are prefixed so that a heading titled "Contenu" or "Navigation" never takes
#: an id the page layout already uses (skip links, forms).
ANCHOR_PREFIX = "section-"


@dataclass(frozen=True)
class Heading:
    """A second-level heading, for the page's table of contents."""

    anchor: str
    text: str


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})


def search_key(*parts: str) -> str:
    """Lowercase text without accents, for searching the way people type: 'donnees' finds
    'Données' on SQLite and PostgreSQL alike, without database extensions."""
    text = " ".join(part for part in parts if part).translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


def slugify(value: str, max_length: int = 80) -> str:
    """ASCII, lowercase, hyphen-separated; 'Atelier : SQL & données' -> 'atelier-sql-donnees'."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def _markdown() -> MarkdownIt:
    # The commonmark preset allows raw HTML: off. (Linkify and typographer are off in it.)
    md = MarkdownIt("commonmark", {"html": False})
    md.enable("table")
    # A change of language, as RGAA 8.7 asks: "[machine learning]{lang=en}" gives
    # <span lang="en">, and "[MLOps](https://ml-ops.org/){lang=en}" a link with `lang`.
    # Only `lang` is read; the sanitizer checks its value.
    md.use(attrs_plugin, spans=True, after=("link_close",), allowed=["lang"])
    # Page content starts at h2: the page title is the only h1. Shift headings down one level.
    md.core.ruler.push("shift_headings", _shift_headings)
    return md


def _shift_headings(state) -> None:  # type: ignore[no-untyped-def]
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def render_markdown(source: str, *, anchors: bool = False) -> tuple[Markup, list[Heading]]:
    """Render Markdown to safe HTML; with `anchors`, give h2 headings ids and list them."""
    md = _markdown()
    tokens = md.parse(source or "")
    headings: list[Heading] = []
    used: set[str] = set()
    #: Last suffix tried per base, so that many identical headings stay linear, not quadratic.
    last_suffix: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if anchors and token.type == "heading_open" and token.tag == "h2":
            text = tokens[index + 1].content
            base = ANCHOR_PREFIX + (slugify(text) or "sans-titre")
            anchor, n = base, last_suffix.get(base, 1)
            while anchor in used:
                n += 1
                anchor = f"{base}-{n}"
            last_suffix[base] = n
            used.add(anchor)
            token.attrSet("id", anchor)
            headings.append(Heading(anchor=anchor, text=_plain(text)))
    html = md.renderer.render(tokens, md.options, {})
    return Markup(sanitize_html(html)), headings  # noqa: S704 - cleaned by nh3 just above


def _plain(inline_markdown: str) -> str:
    return re.sub(r"[*_`]", "", inline_markdown).strip()


def sanitize_html(html: str) -> str:
    """Clean HTML against the allow-list; only http, https and mailto links survive."""
    return nh3.clean(
        strip_forbidden(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_check_lang,
    )


def _check_lang(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "lang" and not _LANG.fullmatch(value):
        return None
    return value


#: What a mailto: link must hold for the text to show the bare address ("mailto:" dropped).
_EMAIL_LIKE = re.compile(r"[^@\s:/]+@[^@\s:/]+")


def markdown_to_text(source: str) -> str:
    """Markdown as plain text, for places that show no HTML (calendar descriptions, mail).

    Blocks are separated by a blank line, list items keep a "- " or "1. " marker (one per
    line), table cells are joined by " | ", and a link keeps its address: "[the guide]
    (https://…)" gives "the guide (https://…)", so it can still be followed. Only http,
    https and mailto addresses are kept, as in the HTML rendering. Emphasis marks are
    dropped; raw HTML, which markdown-it leaves as text when `html` is off, stays as typed.
    """
    #: (text, group): blocks of one list or one table share a group and are joined by one
    #: line break; other blocks have no group.
    blocks: list[tuple[str, int | None]] = []
    group = 0
    #: One entry per open list: the next number for an ordered list, None for bullets.
    lists: list[int | None] = []
    prefix = ""
    cells: list[str] | None = None
    for token in _markdown().parse(source or ""):
        if token.type in ("bullet_list_open", "ordered_list_open", "table_open"):
            group += 0 if lists else 1
        if token.type == "bullet_list_open":
            lists.append(None)
        elif token.type == "ordered_list_open":
            lists.append(int(token.attrGet("start") or 1))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            number = lists[-1]
            indent = "  " * (len(lists) - 1)
            prefix = f"{indent}- " if number is None else f"{indent}{number}. "
            if number is not None:
                lists[-1] = number + 1
        elif token.type == "tr_open":
            cells = []
        elif token.type == "tr_close" and cells is not None:
            blocks.append((" | ".join(cells), group))
            cells = None
        elif token.type == "inline" and cells is not None:
            cells.append(_inline_text(token.children or []))
        elif token.type == "inline":
            blocks.append((prefix + _inline_text(token.children or []), group if lists else None))
            prefix = ""
        elif token.type in ("fence", "code_block"):
            blocks.append((token.content.rstrip("\n"), None))
        elif token.type == "hr":
            blocks.append(("—", None))
    text = ""
    previous: int | None = None
    for block, block_group in blocks:
        if not block.strip():
            continue
        if text:
            text += "\n" if block_group is not None and block_group == previous else "\n\n"
        text += block
        previous = block_group
    return strip_forbidden(text)


def _inline_text(children: list) -> str:  # type: ignore[type-arg]
    parts: list[str] = []
    links: list[tuple[str, int]] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
        elif child.type == "link_open":
            links.append((str(child.attrGet("href") or ""), len(parts)))
        elif child.type == "link_close" and links:
            href, start = links.pop()
            label = "".join(parts[start:]).strip()
            if href.split(":", 1)[0].lower() in ALLOWED_SCHEMES and ":" in href:
                address = href.removeprefix("mailto:")
                shown = address if _EMAIL_LIKE.fullmatch(address) else href
                if label != shown and label != href:
                    parts.append(f" ({shown})" if label else shown)
    return "".join(parts).strip()
