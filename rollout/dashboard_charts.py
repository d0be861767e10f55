"""Server-side SVG charts of the rollout dashboards (pygal): no JavaScript, no
CDN, shown as images whose text alternative names and describes them. Each
chart's page shows its data table beside it as well."""

from __future__ import annotations

import base64
import re
from datetime import date

import pygal
from django.utils.html import format_html
from django.utils.safestring import SafeString
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    font_family="system-ui, sans-serif",
    colors=("#0d6efd", "#dc3545", "#198754"),
    title_font_size=18,
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    legend_font_size=14,
)
CONFIG = {
    "js": [],  # pygal's tooltips load a script: none here
    "disable_xml_declaration": True,
    "style": STYLE,
    "width": 800,
    "height": 360,
}


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def _accessible(svg: str, title: str, desc: str) -> SafeString:
    """The chart as an image named and described for screen readers. An image,
    not inline SVG: pygal styles its drawing with a <style> element, which the
    site's Content-Security-Policy (style-src 'self') refuses in the page; an
    SVG image is a document of its own, and a data: URL needs no second
    request."""
    # pygal always writes its configuration as an inline script for its
    # tooltips, even with js=[]: a static picture needs none of it.
    svg = _SCRIPT.sub("", svg)
    source = base64.b64encode(svg.encode()).decode("ascii")
    return format_html(
        '<img class="img-fluid chart" src="data:image/svg+xml;base64,{}" alt="{}">',
        source,
        f"{title}. {desc}",
    )


def funnel_chart(*, labels: list[str], counts: list[int], title, desc) -> SafeString:
    chart = pygal.HorizontalBar(
        title=str(title), show_legend=False, print_values=True, **CONFIG
    )
    # Horizontal bars are drawn bottom-up: reverse so the funnel reads downwards.
    chart.x_labels = [str(label) for label in reversed(labels)]
    chart.add(str(title), list(reversed(counts)))
    return _accessible(chart.render(is_unicode=True), str(title), str(desc))


def timeline_chart(
    *,
    certified: list[tuple[date, int]],
    targets: list[tuple[date, int]],
    title,
    desc,
    certified_label,
    target_label,
) -> SafeString:
    chart = pygal.DateLine(
        title=str(title),
        x_label_rotation=30,
        x_value_formatter=lambda day: day.strftime("%Y-%m-%d"),
        legend_at_bottom=True,
        **CONFIG,
    )
    chart.add(str(certified_label), certified, show_dots=len(certified) < 40)
    chart.add(str(target_label), targets, dots_size=6)
    return _accessible(chart.render(is_unicode=True), str(title), str(desc))
