"""Load the shipped instruments and scenarios (evaluation/content/*.yaml).

Idempotent and respectful of people's edits, as the question bank loader: each
row records a fingerprint of the data the loader wrote. On a later load a row is
created when missing, left alone when its data is unchanged, left alone (and
reported as kept) when a person edited it since, and otherwise updated.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import yaml
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from assessments.models import AssessmentPage
from standards.models import Criterion, Standard

from .models import Instrument, InstrumentItem, Scenario

CONTENT_DIR = Path(__file__).resolve().parent / "content"
INSTRUMENT_FIELDS = (
    "kind",
    "title",
    "instructions",
    "pass_percent",
    "keep_passed_months",
)
SCENARIO_FIELDS = ("title", "customer_type", "situation", "script")


class EvaluationDataError(ValueError):
    """The data files are not valid; nothing was changed."""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, kept (edited) {len(self.kept)}"
        )


def _fingerprint(data) -> str:
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _item_state(*, criterion: str, part: str, text: str, critical: bool) -> dict:
    # "part" only when set, so instruments loaded before parts existed keep
    # their fingerprint (and are not taken for edited ones).
    state = {"criterion": criterion, "text": text, "critical": critical}
    return {**state, "part": part} if part else state


def _instrument_state(instrument: Instrument) -> dict:
    return {
        "standard": instrument.standard.code,
        **{name: getattr(instrument, name) for name in INSTRUMENT_FIELDS},
        "assessment": instrument.assessment.slug if instrument.assessment_id else "",
        "items": [
            _item_state(
                criterion=i.criterion.code if i.criterion_id else "",
                part=i.part,
                text=i.text,
                critical=i.critical,
            )
            for i in instrument.items.select_related("criterion").order_by(
                "sort_order", "pk"
            )
        ],
    }


def _instrument_data(entry: dict) -> dict:
    return {
        "standard": entry["standard"],
        "kind": entry["kind"],
        "title": entry["title"],
        "instructions": entry.get("instructions", ""),
        "pass_percent": int(entry.get("pass_percent", 100)),
        "keep_passed_months": int(entry.get("keep_passed_months", 6)),
        # A cuestionario names the final assessment (page slug) it applies.
        "assessment": entry.get("assessment", ""),
        "items": [
            _item_state(
                # A lista de impartición's items have a part instead.
                criterion=item.get("criterion", ""),
                part=item.get("part", ""),
                text=item["text"],
                critical=bool(item.get("critical", False)),
            )
            for item in entry.get("items", [])
        ],
    }


def _scenario_state(scenario: Scenario) -> dict:
    return {
        "standard": scenario.standard.code,
        **{name: getattr(scenario, name) for name in SCENARIO_FIELDS},
        "criteria": sorted(c.code for c in scenario.criteria.all()),
    }


def _scenario_data(entry: dict) -> dict:
    return {
        "standard": entry["standard"],
        "title": entry["title"],
        "customer_type": entry.get("customer_type", ""),
        "situation": entry["situation"],
        "script": entry["script"],
        "criteria": sorted(set(entry.get("criteria", []))),
    }


class _Catalogue:
    def __init__(self):
        self.standards = {s.code: s for s in Standard.objects.all()}
        self.criteria = {(c.standard_id, c.code): c for c in Criterion.objects.all()}

    def standard(self, code, where):
        if code not in self.standards:
            raise EvaluationDataError(f"{where}: unknown standard {code}")
        return self.standards[code]

    def criterion(self, standard, code, where):
        criterion = self.criteria.get((standard.pk, code))
        if criterion is None:
            raise EvaluationDataError(f"{where}: unknown criterion {code}")
        return criterion


def _item_criterion(catalogue, standard, data, item, where):
    """An item of a lista de impartición has a part and no criterion; every
    other item has a criterion and no part."""
    if data["kind"] == Instrument.Kind.DELIVERY:
        if item.get("part") not in InstrumentItem.Part.values or item["criterion"]:
            raise EvaluationDataError(
                f"{where}: an item of a lista de impartición has a part "
                f"({', '.join(InstrumentItem.Part.values)}) and no criterion"
            )
        return None
    if item.get("part"):
        raise EvaluationDataError(f"{where}: only impartición items have a part")
    return catalogue.criterion(standard, item["criterion"], where)


def _upsert(report, existing, data, state, write, key):
    fingerprint = _fingerprint(data)
    if existing is None:
        write(None, fingerprint)
        report.created += 1
    elif _fingerprint(state(existing)) != existing.loaded_fingerprint:
        # A person edited it since it was loaded (or made it): theirs is kept,
        # and said so, whether or not the data changed (as the question bank).
        report.kept.append(key)
    elif existing.loaded_fingerprint == fingerprint:
        report.unchanged += 1
    else:
        write(existing, fingerprint)
        report.updated += 1


def _write_instrument(
    instrument, fingerprint, *, code, standard, data, items, assessment
):
    instrument = instrument or Instrument(code=code)
    instrument.standard = standard
    instrument.assessment = assessment
    for name in INSTRUMENT_FIELDS:
        setattr(instrument, name, data[name])
    instrument.loaded_fingerprint = fingerprint
    instrument.save()
    instrument.items.all().delete()
    # With history, as an edit in the admin has (bulk_create sends no signals).
    bulk_create_with_history(
        [
            InstrumentItem(
                instrument=instrument,
                criterion=criterion,
                part=item.get("part", ""),
                text=item["text"],
                critical=item["critical"],
                sort_order=order,
            )
            for order, (criterion, item) in enumerate(items)
        ],
        InstrumentItem,
    )


def _write_scenario(scenario, fingerprint, *, code, standard, data, criteria):
    scenario = scenario or Scenario(code=code)
    scenario.standard = standard
    for name in SCENARIO_FIELDS:
        setattr(scenario, name, data[name])
    scenario.loaded_fingerprint = fingerprint
    scenario.criteria = criteria  # a ParentalManyToManyField: saved with the row
    scenario.save()


@transaction.atomic
def instruments_load(*, entries: list[dict]) -> LoadReport:
    report, catalogue = LoadReport(), _Catalogue()
    try:
        for entry in entries:
            code = entry["code"]
            data = _instrument_data(entry)
            standard = catalogue.standard(data["standard"], code)
            if data["kind"] not in Instrument.Kind.values:
                raise EvaluationDataError(f"{code}: unknown kind {data['kind']}")
            items = [
                (_item_criterion(catalogue, standard, data, i, code), i)
                for i in data["items"]
            ]
            assessment = None
            if data["assessment"]:
                assessment = AssessmentPage.objects.filter(
                    slug=data["assessment"]
                ).first()
                if assessment is None:
                    raise EvaluationDataError(
                        f"{code}: unknown assessment {data['assessment']}"
                    )
            if (data["kind"] == Instrument.Kind.QUESTIONNAIRE) != bool(assessment):
                raise EvaluationDataError(
                    f"{code}: a cuestionario, and only it, names its assessment"
                )

            write = partial(
                _write_instrument,
                code=code,
                standard=standard,
                data=data,
                items=items,
                assessment=assessment,
            )
            existing = Instrument.objects.filter(code=code).first()
            _upsert(report, existing, data, _instrument_state, write, code)
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, EvaluationDataError):
            raise
        raise EvaluationDataError(f"malformed instrument data: {error!r}") from error
    return report


@transaction.atomic
def scenarios_load(*, entries: list[dict]) -> LoadReport:
    report, catalogue = LoadReport(), _Catalogue()
    try:
        for entry in entries:
            code = entry["code"]
            data = _scenario_data(entry)
            standard = catalogue.standard(data["standard"], code)
            criteria = [
                catalogue.criterion(standard, c, code) for c in data["criteria"]
            ]

            write = partial(
                _write_scenario,
                code=code,
                standard=standard,
                data=data,
                criteria=criteria,
            )
            existing = Scenario.objects.filter(code=code).first()
            _upsert(report, existing, data, _scenario_state, write, code)
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, EvaluationDataError):
            raise
        raise EvaluationDataError(f"malformed scenario data: {error!r}") from error
    return report


def read(name: str) -> list[dict]:
    with (CONTENT_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
