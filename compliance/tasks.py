"""Background tasks (django-tasks): rendering an issued DC-3's PDF."""

from __future__ import annotations

from django_tasks import task

from . import rendering


@task()
def render_dc3_pdf(dc3_id: int) -> str:
    """Render and store an issued DC-3's PDF; returns its SHA-256. A failure is
    recorded on the DC-3; HR's download renders it again."""
    return rendering.dc3_render_pdf(dc3_id=dc3_id).pdf_sha256
