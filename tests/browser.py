"""What the browser tests share: an axe-core accessibility scan of a Playwright page, and the
path where a failing browser test leaves its screenshot.

axe-core comes from npm, pinned in package-lock.json; `make browser` installs it in
node_modules/. Without it the scans are skipped, or fail under REQUIRE_BROWSER (as CI runs).
"""

import functools
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAILURES = ROOT / "var" / "browser-failures"
# WCAG 2.2 at levels A and AA: the rules tagged for each version's new criteria too.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Targets named per rule in a failure message: enough to find the element, short to read.
TARGETS_SHOWN = 3


def browser_missing(message):
    """Skip the test, or fail it when the browser tests are required (CI)."""
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@functools.cache
def _axe_source():
    return AXE.read_text(encoding="utf-8")


def axe_source():
    if not AXE.exists():
        browser_missing(
            f"axe-core is not installed ({AXE} is missing); `make browser` installs it."
        )
    return _axe_source()


def axe_violations(page):
    """axe-core's violations of WCAG 2.2 A and AA on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated by the browser's debugger, which the page's Content-Security-Policy does
        # not govern: a <script> tag of it would be inline script, which the policy refuses.
        page.evaluate(axe_source() + "\n;undefined")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return result["violations"]


def violations_text(violations):
    """One line per rule: its id, impact, how many elements and the first of them."""
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        shown = ", ".join(targets[:TARGETS_SHOWN])
        more = f" and {len(targets) - TARGETS_SHOWN} more" if len(targets) > TARGETS_SHOWN else ""
        lines.append(
            f"- {violation['id']} ({violation['impact']}, {len(targets)} elements: "
            f"{shown}{more}): {violation['help']}"
        )
    return "\n".join(lines)


def assert_accessible(page):
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core finds WCAG 2.2 A/AA violations on {page.url}:\n{violations_text(violations)}"
    )


def failure_screenshot_path(test_name):
    """var/browser-failures/<test name>.png, with the name made safe for any file system."""
    return FAILURES / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', test_name).strip('_')}.png"
