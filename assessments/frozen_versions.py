"""Frozen question versions' payloads and answer keys, many at once, kept per
process by content hash (``payloads.frozen_payloads``, ``payloads.version_keys``).

A content hash names one payload, criterion included, for ever, and the
learners of one final share the versions: the attempt page, a save and a submit
read the versions' hashes and ids, not their payloads, and ask the database
only for the payloads this process does not keep (issue 13).
"""

from __future__ import annotations

from collections.abc import Mapping

from . import payloads
from .grading import Key
from .models import QuestionVersion


def _kept(memo, versions: Mapping[str, int]) -> tuple[dict, dict[str, int]]:
    """What ``memo`` keeps of ``versions`` (content hash -> value), and the
    rest (content hash -> version id)."""
    found, missing = {}, {}
    for content_hash, version_id in versions.items():
        value = memo.get(content_hash)
        if value is None:
            missing[content_hash] = version_id
        else:
            found[content_hash] = value
    return found, missing


def version_payloads(versions: Mapping[str, int]) -> dict[str, dict]:
    """content hash -> payload of ``versions`` (content hash -> version id): 1
    query for those not kept, none when all are."""
    found, missing = _kept(payloads.frozen_payloads, versions)
    if missing:
        hashes = {
            version_id: content_hash for content_hash, version_id in missing.items()
        }
        for version_id, payload in QuestionVersion.objects.filter(
            pk__in=hashes
        ).values_list("pk", "payload"):
            found[hashes[version_id]] = payload
            payloads.frozen_payloads.set(hashes[version_id], payload)
    return found


def version_keys(versions: Mapping[str, int]) -> dict[str, Key]:
    """content hash -> answer key of ``versions`` (content hash -> version id):
    the payloads of the keys not kept read in 1 query, none when all are."""
    found, missing = _kept(payloads.version_keys, versions)
    for content_hash, payload in version_payloads(missing).items():
        key = payloads.answer_key(payload)
        payloads.version_keys.set(content_hash, key)
        found[content_hash] = key
    return found
