"""Driving a page by keyboard alone: Tab to a control (its focus must show), then type,
press Space or Enter, or move through a list with the arrow keys."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

# Far more than any page of the app has controls: the walk wraps round the page at most once.
MAX_TABS = 400

_FOCUSED = "el => document.activeElement === el"
# A focused control shows it: an outline, or a box shadow (Bootstrap's form controls).
_FOCUS_SHOWN = """el => { const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  return outline || s.boxShadow !== "none"; }"""


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, and check that its focus is visible."""
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        if page.evaluate(_FOCUSED, handle):
            assert page.evaluate(_FOCUS_SHOWN, handle), f"no visible focus on {target}"
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reaches {target}")


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    """Tab to a button, link or checkbox and press Enter (or Space)."""
    tab_to(page, target)
    page.keyboard.press(key)


def choose(page: Page, target: Locator, value: str) -> None:
    """Tab to a list (one or several to choose) and move with the arrow keys to `value`."""
    tab_to(page, target)
    for _ in range(target.locator("option").count() + 1):
        if value in target.evaluate("s => [...s.selectedOptions].map(o => o.value)"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} is not among the options of {target}")
