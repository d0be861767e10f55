"""Wagtail's Spanish catalogue and the project's supplement to it.

Wagtail ships, for every one of its apps, ``locale/en/LC_MESSAGES/<domain>.po``
with every message of that app (empty translations: English is the source) and
``locale/es/…`` with only the messages its Spanish translators have done. The
messages in the first and not in the second are the admin's English holes for
Spanish users. The project fills the ones its users meet in
``site/wagtail_locale/es/LC_MESSAGES/`` (a LOCALE_PATHS entry, so it wins over
the apps' catalogues; ``es`` so that both ``es-mx`` (Django looks up es_MX, then
es) and an ``es`` admin preference find it). That folder holds only Wagtail's
messages: ``makemessages`` never writes there (its catalogues go to
``site/locale``), ``compilemessages`` compiles it as it compiles every
LOCALE_PATHS entry, and the .mo files are committed like the project's own.

``manage.py wagtail_es_gaps`` reports what is still missing (rerun it after a
Wagtail upgrade) and what in the supplement Wagtail now translates itself.

A message is keyed as gettext keys it: ``msgid``, or ``context\\x04msgid`` when it
has a context; a plural message by its singular msgid, with its plural alongside.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings

DOMAINS = ("django", "djangojs")
LANGUAGE = "es"
CONTEXT_SEPARATOR = "\x04"


@dataclasses.dataclass(frozen=True)
class Message:
    key: str
    plural: str | None = None
    translations: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    @property
    def msgid(self) -> str:
        return self.key.rpartition(CONTEXT_SEPARATOR)[2]

    @property
    def context(self) -> str | None:
        context, separator, _msgid = self.key.rpartition(CONTEXT_SEPARATOR)
        return context if separator else None

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and all(self.translations or [""])


def parse_po(text: str) -> Iterator[Message]:
    """The messages of a .po file (not its header, not obsolete entries)."""
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        flags: list[str] = []
        references: list[str] = []
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                flags.extend(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#:"):
                references.extend(line[2:].split())
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                if current is not None:
                    fields[current] += ast.literal_eval(line)
            else:
                current, _space, value = line.partition(" ")
                fields[current] = ast.literal_eval(value)
        if "msgid" not in fields or not fields["msgid"]:
            continue
        key = fields["msgid"]
        if "msgctxt" in fields:
            key = fields["msgctxt"] + CONTEXT_SEPARATOR + key
        if "msgid_plural" in fields:
            translations = tuple(
                fields[name]
                for name in sorted(
                    (name for name in fields if name.startswith("msgstr[")),
                    key=lambda name: int(name[7:-1]),
                )
            )
        else:
            translations = (fields.get("msgstr", ""),)
        yield Message(
            key=key,
            plural=fields.get("msgid_plural"),
            translations=translations,
            flags=tuple(flags),
            references=tuple(references),
        )


def read_po(path: Path) -> dict[str, Message]:
    if not path.exists():
        return {}
    return {m.key: m for m in parse_po(path.read_text(encoding="utf-8"))}


def wagtail_locale_dirs() -> dict[str, Path]:
    """The ``locale`` folder of every installed Wagtail app, by app label (the
    apps not installed never speak to anyone)."""
    return {
        config.label: Path(config.path) / "locale"
        for config in apps.get_app_configs()
        if config.name.split(".")[0] == "wagtail"
        and (Path(config.path) / "locale" / "en").is_dir()
    }


def supplement_dir() -> Path:
    return Path(settings.ATIENDE_WAGTAIL_LOCALE_DIR)


def supplement_path(domain: str) -> Path:
    return supplement_dir() / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


@dataclasses.dataclass(frozen=True)
class Catalogue:
    """One domain of Wagtail: its messages and which its own es catalogue has."""

    domain: str
    messages: dict[str, Message]  # every message, keyed; references name the app
    translated: frozenset[str]  # keys Wagtail's es catalogues translate

    @property
    def gaps(self) -> list[Message]:
        return [m for k, m in self.messages.items() if k not in self.translated]


def wagtail_catalogue(domain: str) -> Catalogue:
    """Wagtail's messages of ``domain``, merged over its apps (Django merges the
    apps' catalogues, so a message one app translates is translated for all)."""
    messages: dict[str, Message] = {}
    translated: set[str] = set()
    for app, locale in wagtail_locale_dirs().items():
        english = read_po(locale / "en" / "LC_MESSAGES" / f"{domain}.po")
        for key, message in english.items():
            refs = tuple(f"{app}/{ref}" for ref in message.references)
            if key in messages:
                refs = messages[key].references + refs
            messages[key] = dataclasses.replace(message, references=refs)
        spanish = read_po(locale / LANGUAGE / "LC_MESSAGES" / f"{domain}.po")
        translated.update(k for k, m in spanish.items() if m.translated)
    return Catalogue(domain, messages, frozenset(translated))


@dataclasses.dataclass(frozen=True)
class Report:
    domain: str
    total: int  # Wagtail's messages
    wagtail_gaps: list[Message]  # not in Wagtail's own es catalogue
    remaining: list[Message]  # not in the supplement either (or untranslated there)
    stale: list[str]  # supplement keys Wagtail no longer has
    redundant: list[str]  # supplement keys Wagtail now translates itself


def report(domain: str) -> Report:
    catalogue = wagtail_catalogue(domain)
    supplement = read_po(supplement_path(domain))
    filled = {k for k, m in supplement.items() if m.translated}
    return Report(
        domain=domain,
        total=len(catalogue.messages),
        wagtail_gaps=catalogue.gaps,
        remaining=[m for m in catalogue.gaps if m.key not in filled],
        stale=sorted(k for k in supplement if k not in catalogue.messages),
        redundant=sorted(k for k in supplement if k in catalogue.translated),
    )


def po_entries(messages: Iterable[Message]) -> str:
    """The messages as untranslated .po entries, ready to be translated."""
    chunks = []
    for message in messages:
        lines = [f"#: {ref}" for ref in message.references[:3]]
        if message.flags:
            lines.append("#, " + ", ".join(message.flags))
        if message.context is not None:
            lines.append(f"msgctxt {_quote(message.context)}")
        lines.append(f"msgid {_quote(message.msgid)}")
        if message.plural is not None:
            lines.append(f"msgid_plural {_quote(message.plural)}")
            lines += ['msgstr[0] ""', 'msgstr[1] ""']
        else:
            lines.append('msgstr ""')
        chunks.append("\n".join(lines))
    return "\n\n".join(chunks) + ("\n" if chunks else "")


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'
