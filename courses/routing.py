"""Serving the course pages without Wagtail's per-level routing queries.

Wagtail finds the site (a query), its home page (another), then walks the URL
level by level: for each level a query for the child by slug and one for its
specific class, and two more for view restrictions. A lesson, three levels
below the home page, cost ten queries and about 5 ms before any of our code ran.

``serve`` (in front of Wagtail's own view in config/urls.py) reads the content
token (courses.content_cache) and looks the route up in this process's memory
under it: the site, the home page and the chain of pages down to the one
served, parents linked, and whether a view restriction applies on the way. A
key names one state of the content for ever, so the entry is never stale. On a
miss one query (``_chain``) reads the whole chain by ``url_path`` (which Wagtail
keeps up to date on every move and slug change), with the fields of our page
types joined in. Either way the route goes to Wagtail's own view, which runs
its hooks (view restrictions, ``before_serve_page``) as always. Every page type
below the home page is served so, the assessments' included.
"""

from __future__ import annotations

import copy

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site

from . import content_cache
from .models import HomePage

# The specific page types read in the same query (with what their pages show of
# their foreign keys); any other costs one more query when its route is first
# looked up.
JOINED_TYPES = {
    "coursepage": ("coursepage__standard",),
    "modulepage": ("modulepage__element",),
    "lessonpage": ("lessonpage",),
}


def _specific(row: Page) -> Page:
    name = row.specific_class._meta.model_name if row.specific_class else ""
    if name in JOINED_TYPES:
        return getattr(row, name)
    return row.specific


def _chain(home: Page, components: list[str]):
    """The pages below ``home`` along ``components`` (none for the home page
    itself), specific, parents linked, in one query (plus one per page of a type
    not joined). Returns (pages, how many components they consume, whether a
    view restriction applies: None when an alias is on the way, whose
    restrictions are its source's), or None when siblings share a slug (left to
    Wagtail). Raises Http404."""
    wanted = [
        home.url_path + "/".join(components[: n + 1]) + "/"
        for n in range(len(components))
    ]
    # The home page and its ancestors come too, for their view restrictions.
    above = [home.path[: home.steplen * n] for n in range(1, home.depth + 1)]
    rows = list(
        Page.objects.filter(
            Q(url_path__in=wanted, path__startswith=home.path) | Q(path__in=above)
        )
        .select_related(*(r for related in JOINED_TYPES.values() for r in related))
        .annotate(
            restricted=Exists(
                PageViewRestriction.objects.filter(
                    page_id=Coalesce(OuterRef("alias_of_id"), OuterRef("pk"))
                )
            )
        )
        .order_by("depth")
    )
    below = [row for row in rows if row.depth > home.depth]
    by_url = {row.url_path: row for row in below}
    if len(by_url) != len(below):
        return None
    found: list[Page] = []
    for url_path in wanted:
        if url_path not in by_url:
            break
        found.append(by_url[url_path])
    if components and not found:
        raise Http404
    # Wagtail hands the rest of the path to each page's route() in turn: a page
    # type with its own routing takes over where it stands in the chain.
    pages: list[Page] = []
    parent = home
    for row in found:
        page = _specific(row)
        page._cached_parent_obj = parent
        pages.append(page)
        parent = page
        if type(page).route is not Page.route:
            break
    checked = [row for row in rows if row.depth <= home.depth] + found[: len(pages)]
    restricted = None
    if not any(row.alias_of_id for row in checked):
        restricted = any(row.restricted for row in checked)
    return pages, len(pages), restricted


def _route_entry(request, components: list[str]):
    """(site, target page, components it consumes) for this request, or None
    to let Wagtail route it."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    home = site.root_page.localized.specific
    if not isinstance(home, HomePage):
        return None
    chain = _chain(home, components)
    if chain is None:
        return None
    pages, consumed, restricted = chain
    target = pages[-1] if pages else home
    if restricted is not None:
        target.view_restricted = restricted
    return site, target, consumed


def _host_key(request, kind: str, token: str, *parts) -> str:
    return content_cache.key(
        kind,
        token,
        split_domain_port(request._get_raw_host())[0],
        request.get_port(),
        *parts,
    )


def remember_site(request) -> None:
    """Find the request's site (``Site.find_for_request``, a query each time)
    once per content token and host, and keep it where Wagtail looks first:
    for the pages outside this routing that link to pages (``{% pageurl %}``)."""
    if getattr(request, "_wagtail_site", None) is not None:
        return
    token = content_cache.content_token(request)
    if token is None:
        return
    site = content_cache.memo.get_or_build(
        _host_key(request, "site", token), lambda: Site.find_for_request(request)
    )
    if site is not None:
        request._wagtail_site = site


def serve(request, path):
    """Wagtail's page view, with the site and the route found as above."""
    token = content_cache.content_token(request)
    if token is not None:
        components = [component for component in path.split("/") if component]
        memo_key = _host_key(request, "route", token, *components)
        entry = content_cache.memo.get(memo_key)
        looked_up = entry is None
        if looked_up:
            try:
                entry = _route_entry(request, components)
            except Http404:
                entry = None
                request._wagtail_route_for_request = None
        if entry is not None:
            site, target, consumed = entry
            # The page in memory is every request's: each gets its own copy to
            # serve (and to keep whatever the serving code sets on it).
            page = copy.copy(target)
            # The attributes Wagtail keeps its own site and route in, per request
            # (wagtail.models.Site.find_for_request, Page.route_for_request).
            request._wagtail_site = site
            try:
                request._wagtail_route_for_request = page.route(
                    request, components[consumed:]
                )
            except Http404:
                request._wagtail_route_for_request = None
            else:
                # Only routes that lead somewhere are kept: a scan of made-up
                # URLs must not crowd the memory.
                if looked_up:
                    content_cache.memo.set(memo_key, entry)
    return wagtail_views.serve(request, path)
