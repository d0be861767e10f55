"""axe-core in a Playwright page: the WCAG 2.0, 2.1 and 2.2 rules of levels A and
AA, and their violations in a form a person can read in a test failure.

axe-core comes from the npm package pinned in package.json (`make install-test`
runs `npm ci`); it is injected into the page under test, never served by the
site."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"

# The rule sets the issue asks for: WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

# How many offending nodes a violation lists before "… and n more".
NODES_SHOWN = 5


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on a page: the rule, how bad, where, and why."""

    rule: str
    impact: str
    summary: str
    help_url: str
    targets: tuple[str, ...]
    details: tuple[str, ...]

    def __str__(self) -> str:
        lines = [f"{self.rule} ({self.impact}): {self.summary} [{self.help_url}]"]
        for target, detail in zip(
            self.targets[:NODES_SHOWN], self.details[:NODES_SHOWN], strict=True
        ):
            lines.append(f"    {target}: {detail}")
        if len(self.targets) > NODES_SHOWN:
            lines.append(f"    … and {len(self.targets) - NODES_SHOWN} more")
        return "\n".join(lines)


@cache
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(
            f"{AXE_JS} is missing: run `make install-test` (it runs `npm ci`) "
            "to install axe-core from package-lock.json."
        )
    return AXE_JS.read_text(encoding="utf-8")


def _first_line(text: str) -> str:
    """axe's failure summary starts with "Fix any of the following:"; keep the
    first actual reason, which is what a reader needs."""
    reasons = [
        line.strip()
        for line in (text or "").splitlines()
        if line.strip() and not line.strip().startswith("Fix ")
    ]
    return reasons[0] if reasons else ""


def audit(page: Page) -> list[Violation]:
    """Run axe-core on the page as it stands and return its violations (an empty
    list when it passes every WCAG 2.x A/AA rule)."""
    # Always ours, even where the page brings its own (Wagtail's user bar for
    # editors bundles an older axe-core). Evaluated through the DevTools
    # protocol, which the site's Content-Security-Policy (script-src 'self')
    # does not govern: a <script> tag would be refused, and the policy stays as
    # the site sends it.
    page.evaluate(axe_source())
    raw = page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact || "",
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    target: n.target.map((t) => Array.isArray(t) ? t.join(" >>> ") : t)
                        .join(" "),
                    summary: n.failureSummary || "",
                })),
            }));
        }""",
        list(WCAG_TAGS),
    )
    return [
        Violation(
            rule=item["id"],
            impact=item["impact"],
            summary=item["help"],
            help_url=item["helpUrl"].split("?")[0],
            targets=tuple(node["target"] for node in item["nodes"]),
            details=tuple(_first_line(node["summary"]) for node in item["nodes"]),
        )
        for item in raw
    ]


def report(violations: list[Violation]) -> str:
    """The violations, one block each, for an assertion message."""
    return "\n".join(str(violation) for violation in violations)
