"""One role's walk: log in (with the demo's two-factor code where the role needs one) and
take a full-page picture of each page at each width."""

from __future__ import annotations

import io
from pathlib import Path

import pyotp
from PIL import Image
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from demo.living import DEMO_PASSWORD
from models import User, db
from workflow.people.security import requires_second_factor

from .pages import WIDTHS, Role, picture_name

HEIGHT = 900  # the window's height; a picture is the whole page, up to TALLEST
TALLEST = 4000
TIMEOUT_MS = 20_000


def second_factor_code(app, email: str) -> str | None:
    """The code the demo user's authenticator shows now, if their roles require one."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return pyotp.TOTP(user.totp_secret).now() if requires_second_factor(user) else None


def log_in(page: Page, app, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    code = second_factor_code(app, email)
    if code is not None:
        page.get_by_label("Code", exact=True).fill(code)
        page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url(f"{base}/home")


def photograph(page: Page, target: Path) -> None:
    """The page from the top, as tall as it is but no taller than TALLEST."""
    height = min(page.evaluate("() => document.documentElement.scrollHeight"), TALLEST)
    width = page.viewport_size["width"]
    shot = page.screenshot(full_page=True,
                           clip={"x": 0, "y": 0, "width": width, "height": height})
    # 256 colours without dithering: text and flat UI stay sharp at under half the bytes.
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    image.quantize(colors=256, dither=Image.Dither.NONE).save(target, optimize=True)


def photograph_role(browser: Browser, app, base: str, role: Role,
                    paths: list[tuple[str, str]], out: Path) -> list[tuple[str, str, str]]:
    """Picture every page of the role at every width; return (page, path, file name)s."""
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    taken = []
    try:
        log_in(page, app, base, role.email)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            for name, path in paths:
                response = page.goto(f"{base}{path}", wait_until="networkidle")
                if response is None or response.status >= 400:
                    raise RuntimeError(f"{role.slug} {name}: {path} answered "
                                       f"{response.status if response else 'nothing'}")
                file_name = picture_name(role, name, width)
                photograph(page, out / file_name)
                taken.append((name, path, file_name))
    finally:
        context.close()
    return taken
