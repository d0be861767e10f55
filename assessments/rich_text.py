"""The one home of the rule for formatted question text (pure: no Django import).

A question's stem and general feedback are either plain text (``"plain"``, what
trainers type and what the bank's data files hold) or HTML (``"html"``, what
Moodle writes: ``[html]`` and its own ``[moodle]`` format). HTML never reaches a
page as it came: ``sanitize`` keeps an allow-list of tags and attributes (nh3, the
binding of the Rust ``ammonia`` sanitiser) and drops everything else, scripts and
event handlers included. It runs when HTML comes in (GIFT import, the editor's
clean) *and* again when a page shows it (``templatetags/question_text``), so
no stored text is ever trusted.

Options, pairs and accepted answers are short labels: they are always plain text,
and ``html_to_text`` turns HTML that arrives there into text.
"""

from __future__ import annotations

import html
import re

import nh3

__all__ = [
    "ALLOWED_TAGS",
    "as_plain",
    "FORMATS",
    "HTML",
    "PLAIN",
    "convert",
    "html_to_text",
    "sanitize",
    "text_to_html",
]

PLAIN = "plain"
HTML = "html"
FORMATS = (PLAIN, HTML)

# Text structure and emphasis only. No images, media, forms or styles: an image
# would make the learner's browser ask another host (the site makes no request
# to outside hosts), and Moodle's @@PLUGINFILE@@ images do not travel in GIFT.
ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Tags after which a line ends when HTML becomes text.
_BREAK_RE = re.compile(
    r"<\s*(?:br\s*/?|/\s*(?:p|div|li|tr|h[1-6]|blockquote|pre|dd|dt|table|ul|ol))\s*>",
    re.IGNORECASE,
)
_SPACES_RE = re.compile(r"[^\S\n]+")


def sanitize(text: str) -> str:
    """``text`` as HTML with only the allowed tags and attributes; links get
    ``rel="noopener noreferrer nofollow"`` and only http(s) and mailto URLs."""
    return nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def html_to_text(text: str) -> str:
    """HTML as plain text: tags dropped (the content of scripts and styles too),
    entities decoded, one line per paragraph, line break or list item, runs of
    spaces made one."""
    marked = _BREAK_RE.sub("\n", text)
    stripped = html.unescape(nh3.clean(marked, tags=set(), strip_comments=True))
    lines = (_SPACES_RE.sub(" ", line).strip() for line in stripped.split("\n"))
    return "\n".join(line for line in lines if line)


def text_to_html(text: str) -> str:
    """Plain text as HTML that shows the same: escaped, line breaks kept."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def as_plain(text: str, text_format: str) -> str:
    """A stem or feedback in ``text_format`` as plain text (listings, CSV)."""
    return html_to_text(text) if text_format == HTML else text


def convert(text: str, source: str, target: str) -> str:
    """``text`` written in format ``source`` as format ``target`` (HTML comes out
    sanitised)."""
    if source == HTML:
        return sanitize(text) if target == HTML else html_to_text(text)
    return sanitize(text_to_html(text)) if target == HTML else text
