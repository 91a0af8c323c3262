"""axe-core in the browser tests: the vendored copy (npm's axe-core, vendor/axe-core, for
the tests only) run on a page, and its serious and critical findings written out."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import BrowserContext, Page

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()

# WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")

# resultTypes: axe still runs every rule of the tags on every node, but builds the full node
# list (each node's selector and HTML) for the violations alone, the one list read here.
_RUN = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


def with_axe(context: BrowserContext) -> None:
    """Every page the context opens gets axe before its own scripts run: given once to the
    browser, rather than sent with each page (half a megabyte of script each time)."""
    context.add_init_script(script=AXE_SOURCE)


def violations(page: Page) -> list[dict]:
    """axe's serious and critical WCAG 2.2 AA violations on the page as it is now.

    The page's CSP admits no script of ours, so the context runs with bypass_csp (tests only).
    """
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(content=AXE_SOURCE)
    return [v for v in page.evaluate(_RUN, WCAG_AA) if v["impact"] in BLOCKING]


def described(where: str, found: list[dict]) -> list[str]:
    return [f"{where}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
            for v in found]
