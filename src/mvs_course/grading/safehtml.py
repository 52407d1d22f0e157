"""Student-written HTML made inert: markdown and HTML outputs reduced to an allow-list.

A feedback page (or the formgrader) shows what students wrote; a ``<script>``, an ``onerror=``
handler, a ``javascript:`` link or an overlay styled with ``position: fixed`` must not run or
cover the real score there. nbconvert's own ``sanitize_html`` escapes headings, paragraphs and
table parts, so pages become unreadable; this allow-list keeps what markdown and pandas produce
(headings, lists, tables, code, images) and drops scripts, event handlers, styles, forms, frames,
and any class but syntax-highlighting and table ones.
"""

from __future__ import annotations

import re

import bleach
from jinja2 import pass_context

TAGS = frozenset(
    {
        *("a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del"),
        *("details", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img"),
        *("input", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong"),
        *("sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"),
    }
)
# one token of a class attribute we keep: pygments' short token classes and pandas' table class
_CLASS = re.compile(r"^(?:[a-z]{1,3}\d?|highlight|hl-[a-z0-9]+|dataframe|anchor-link|task-list-item)$")
_HEADING_ID = re.compile(r"^[\w.:%-]{1,200}$")
_IMAGE_DATA = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.I)
_LINK = re.compile(r"^(?:https?://|mailto:|#|[^:/?#]*(?:[/?#]|$))", re.I)  # absolute web, or relative
_CELL_ID = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


def _keep_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return bool(value) and all(_CLASS.match(token) for token in value.split())
    if tag == "a":
        return name == "title" or (name == "href" and bool(_LINK.match(value.strip())))
    if tag == "img":
        if name == "src":
            value = value.strip()
            return bool(_IMAGE_DATA.match(value) or (_LINK.match(value) and not value.startswith("#")))
        return name in {"alt", "title", "width", "height"}
    if tag in {"td", "th"}:
        return name in {"colspan", "rowspan", "align"}
    if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        return name == "id" and bool(_HEADING_ID.match(value))
    if tag == "input":  # markdown task lists: a disabled checkbox, nothing else
        return name in {"type", "checked", "disabled"} and (name != "type" or value == "checkbox")
    if tag in {"ol", "li"}:
        return name in {"start", "value"}
    return name in {"colspan", "span"} and tag in {"col", "colgroup"}


_CLEANER = bleach.Cleaner(
    tags=TAGS,
    attributes=_keep_attribute,
    protocols=["http", "https", "mailto", "data"],
    strip=False,  # a disallowed tag shows as text: the reader sees what was written
    strip_comments=True,
)


_STYLE_BLOCK = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.S | re.I)


def clean_html(html: str) -> str:
    """``html`` with only the allow-listed tags and attributes; everything else escaped as text.

    Style blocks go with their content (pandas puts one above every table; shown as text it
    would bury the table, and a student's styles could cover the score)."""
    cleaned = _CLEANER.clean(_STYLE_BLOCK.sub("", html))
    # a checkbox is the only input kept, and only a disabled one
    return re.sub(r"<input(?![^>]*\bdisabled\b)", "<input disabled", cleaned)


def markdown_to_html(source: str, attachments: dict | None = None) -> str:
    """Markdown rendered as the notebook would show it, then cleaned with :func:`clean_html`."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    renderer = IPythonRenderer(escape=False, allow_harmful_protocols=False, attachments=attachments or {})
    return clean_html(MarkdownWithMath(renderer=renderer).render(source))


def as_markdown_block(html: str) -> str:
    """Clean HTML wrapped so that rendering it again as markdown (as nbgrader's feedback and
    formgrade templates do with every markdown cell) passes it through unchanged: one ``<div>``
    line, newlines as ``&#10;``, so no part of it is parsed as markdown a second time."""
    return "<div>" + html.replace("\r", "").replace("\n", "&#10;") + "</div>"


def safe_markdown(source: str, attachments: dict | None = None) -> str:
    """A markdown cell's source replaced by its cleaned rendering, safe to render again."""
    return as_markdown_block(markdown_to_html(source, attachments))


def safe_cell_id(value: object, fallback: str) -> str:
    """An nbgrader grade id usable inside an HTML attribute, else ``fallback``."""
    return value if isinstance(value, str) and _CELL_ID.match(value) else fallback


@pass_context
def markdown2html(context, source: str) -> str:
    """nbconvert's ``markdown2html`` template filter, cleaned: set as ``HTMLExporter.filters`` in
    nbgrader_config.py, every markdown cell the formgrader shows the instructor is rendered
    through :func:`markdown_to_html` (nbgrader's templates never clean markdown themselves)."""
    cell = context.get("cell") or {}
    return markdown_to_html(source, cell.get("attachments") if hasattr(cell, "get") else None)
