"""Caches of what every learner sees alike: rendered lesson bodies, course
outlines (courses.selectors.course_trees) and routes (courses.routing).

Keys carry the content token (``ContentVersion``), which changes whenever a page
is saved (publish, unpublish, move, edit), deleted or restricted, or an image, a
document, a site or the standard's texts change. Nothing is ever deleted from a
cache on a change: the next request reads the new token (one query) and so asks
for new keys; old entries just expire. That holds in every process at once,
whatever the cache backend.

What belongs to one person never goes into an entry: progress, completion
buttons, knowledge-check answers, CSRF tokens (a placeholder stands in for the
token in cached HTML and is replaced on the way out).
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar

from django.core.cache import cache
from django.db import IntegrityError, connections, transaction
from django.db.models.signals import post_delete, post_save
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site, get_page_models

from standards.models import Criterion, Element, Standard

from .models import ContentVersion

# Entries are never stale (their keys change with the content); the timeout only
# frees the memory of entries no key points to any more.
TIMEOUT_SECONDS = 24 * 60 * 60
KEY_PREFIX = "courses:v1"
LESSON_CONTENT_TEMPLATE = "courses/includes/lesson_content.html"
# Stands in for the CSRF token in cached HTML: letters only, so escaping leaves
# it as it is, and nothing a lesson's text could contain by chance.
CSRF_PLACEHOLDER = "atiendeCsrfTokenPlaceholder7f3c9b1e"
_REQUEST_ATTR = "_atiende_content_token"
# The token read during the request being served, for the code that has no
# request in hand (a service and the selectors it calls: a start reads its
# course's tree). Set around each request by RequestScopeMiddleware; outside a
# request (commands, tasks) there is none, and every call reads the token.
_request_scope: ContextVar[dict | None] = ContextVar(
    "content_token_scope", default=None
)


class RequestScopeMiddleware:
    """Gives each request its scope for ``content_token``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reset = _request_scope.set({})
        try:
            return self.get_response(request)
        finally:
            _request_scope.reset(reset)


def content_token(request=None) -> str | None:
    """The token in force: one query, once per request (the request being
    served, or ``request`` outside the middleware, as in a test). None (no row,
    e.g. right after a flush) means: do not cache."""
    memo = _request_scope.get()
    if memo is None and request is not None:
        memo = request.__dict__.setdefault(_REQUEST_ATTR, {})
    if memo is None:
        return _read_token()
    if "token" not in memo:
        memo["token"] = _read_token()
    return memo["token"]


def _read_token() -> str | None:
    # In SQL: every page reads it, and Django spends ten times longer composing
    # this query than the database answering it.
    connection = connections[ContentVersion.objects.db]
    meta = ContentVersion._meta
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {qn(meta.get_field('token').column)} FROM {qn(meta.db_table)} "
            f"WHERE {qn(meta.pk.column)} = %s",
            [ContentVersion.SINGLETON],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def content_changed(**kwargs) -> None:
    """Receiver: a new token, written in the transaction of the change itself, so
    the token and the content it stands for commit (or roll back) together."""
    token = uuid.uuid4().hex
    scope = _request_scope.get()
    if scope is not None:
        # What this request reads from now on is the new content.
        scope["token"] = token
    if ContentVersion.objects.filter(pk=ContentVersion.SINGLETON).update(token=token):
        return
    try:  # the row is gone (a flushed database): make it again
        with transaction.atomic():
            ContentVersion.objects.create(pk=ContentVersion.SINGLETON, token=token)
    except IntegrityError:  # made meanwhile by a concurrent change
        ContentVersion.objects.filter(pk=ContentVersion.SINGLETON).update(token=token)


def connect_receivers() -> None:
    """Everything a cached lesson body, outline or route shows (pages and their
    view restrictions, sites, images, documents, the criteria badges) changes
    the token. Called once, from CoursesConfig.ready()."""
    senders = {
        Page,
        *get_page_models(),
        PageViewRestriction,
        Site,
        get_image_model(),
        get_document_model(),
        Standard,
        Element,
        Criterion,
    }
    for sender in senders:
        uid = f"courses.content_changed.{sender._meta.label}"
        post_save.connect(content_changed, sender=sender, dispatch_uid=uid + ".save")
        post_delete.connect(
            content_changed, sender=sender, dispatch_uid=uid + ".delete"
        )


class Memo:
    """The entries this process used last, as live objects: no unpickling, no
    trip to the cache backend. A key names one state of the content for ever,
    so an entry here is never stale; the oldest go when it is full.

    Values are shared by every request (and thread) of the process: read them,
    never write to them."""

    def __init__(self, size: int):
        self._size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def set(self, key: str, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def get_or_build(self, key: str, build: Callable[[], object]):
        """The entry under ``key``, else ``build()`` kept there (unless None,
        which is returned and not kept)."""
        value = self.get(key)
        if value is None:
            value = build()
            if value is not None:
                self.set(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


memo = Memo(size=1000)


def key(kind: str, *parts) -> str:
    return ":".join([KEY_PREFIX, kind, *map(str, parts)])


def get_many_or_build(
    keys: dict, build: Callable[[list], dict], *, token: str | None
) -> dict:
    """``keys`` maps each item to its key; ``build(missing_items)`` returns the
    values of the items found neither in ``memo`` nor in the cache, which are
    stored in both. Returns item -> value. Without a token nothing is read or
    stored."""
    if token is None:
        return build(list(keys))
    values = {}
    for item, k in keys.items():
        value = memo.get(k)
        if value is not None:
            values[item] = value
    missing = [item for item in keys if item not in values]
    if missing:
        found = cache.get_many([keys[item] for item in missing])
        for item in missing:
            if keys[item] in found:
                values[item] = found[keys[item]]
                memo.set(keys[item], values[item])
        missing = [item for item in missing if item not in values]
    if missing:
        built = build(missing)
        cache.set_many({keys[item]: built[item] for item in missing}, TIMEOUT_SECONDS)
        for item in missing:
            memo.set(keys[item], built[item])
        values.update(built)
    return values


def site_id(request) -> int | None:
    # Page links inside cached HTML are relative to the site serving them.
    site = getattr(request, "_wagtail_site", None)
    return site.pk if site is not None else None


def lesson_content(page, request) -> SafeString:
    """The lesson's criteria and body as HTML (LESSON_CONTENT_TEMPLATE), rendered
    once per page revision, content token, language and site. The knowledge
    checks' forms get this request's CSRF token."""
    token = content_token(request)
    html = None
    if token is not None:
        entry = key(
            "lesson",
            page.pk,
            page.live_revision_id,
            token,
            translation.get_language(),
            site_id(request),
        )
        html = memo.get(entry)
        if html is None:
            html = cache.get(entry)
            if html is not None:
                memo.set(entry, html)
    if html is None:
        # A plain context, no context processors: nothing about the person
        # reaches the template, so nothing about them can end up in the cache.
        html = render_to_string(
            LESSON_CONTENT_TEMPLATE,
            {"page": page, "request": request, "csrf_token": CSRF_PLACEHOLDER},
        )
        if token is not None:
            cache.set(entry, html, TIMEOUT_SECONDS)
            memo.set(entry, html)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308 (rendered by our own template)
