"""Driving a page by keyboard alone: Tab to a control (its focus must show), then type,
press Space or Enter, or move through a list with the arrow keys."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

# Far more than any page of the app has controls: the walk wraps round the page at most once.
MAX_TABS = 400

# A focused control shows it: an outline, or a box shadow (Bootstrap's form controls).
_FOCUS_SHOWN = """el => { const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  return outline || s.boxShadow !== "none"; }"""


# -1 when `el` has the focus; else how many Tab stops surely lie between the focused control
# and `el` in the page's order, so that Tab can be pressed that many times and once more
# before asking again (each question is a round trip to the browser). Only controls Tab
# always stops at are counted, and none when the order is not the page's (a positive
# tabindex) or the focus is on no such control (the page's top, or a fragment, or a removed
# control, may then be where Tab starts): an undercount leaves single steps, never a skip.
_SURE_STOPS_BETWEEN = """el => {
  const from = document.activeElement;
  if (from === el) return -1;
  if (document.querySelector('[tabindex]:not([tabindex="0"]):not([tabindex^="-"])')) return 0;
  const sure = 'a[href], button:not(:disabled), select:not(:disabled), '
    + 'textarea:not(:disabled), input:not(:disabled):not([type=hidden]):not([type=radio])';
  const stops = [...document.querySelectorAll(sure)].filter(e => e.tabIndex >= 0
    && !e.closest('[inert]') && e.checkVisibility({visibilityProperty: true}));
  const at = stops.indexOf(from), to = stops.indexOf(el);
  return at >= 0 && to > at ? to - at - 1 : 0; }"""


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, and check that its focus is visible."""
    handle = target.element_handle()
    pressed = 0
    while pressed <= MAX_TABS:
        between = page.evaluate(_SURE_STOPS_BETWEEN, handle)
        if between < 0:
            assert page.evaluate(_FOCUS_SHOWN, handle), f"no visible focus on {target}"
            return
        for _ in range(between + 1):
            page.keyboard.press("Tab")
        pressed += between + 1
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
