"""docs/screenshots/README.md: the pictures listed by role, page and width."""

from __future__ import annotations

from pathlib import Path

from .pages import WIDTHS, Role

INTRO = """# Screenshots

The key pages of each demo role, at {widths} px wide, written by `make screenshots` from a
fresh living demo (`flask demo seed-if-empty`) in headless Chromium. Pages taller than
4,000 px are cut there. File names: `<role>-<page>-<width>.png`.
"""


def write_readme(out: Path, taken: dict[Role, list[tuple[str, str, str]]]) -> None:
    widths = " and ".join(str(width) for width in WIDTHS)
    lines = [INTRO.format(widths=widths)]
    for role, pictures in taken.items():
        lines.append(f"## {role.title} ({role.email})\n")
        lines.append("| Page | Path | " + " | ".join(f"{w} px" for w in WIDTHS) + " |")
        lines.append("|---|---|" + "---|" * len(WIDTHS))
        by_page: dict[tuple[str, str], list[str]] = {}
        for name, path, file_name in pictures:
            by_page.setdefault((name, path), []).append(f"[{file_name}]({file_name})")
        for (name, path), links in by_page.items():
            lines.append(f"| {name} | `{path}` | " + " | ".join(links) + " |")
        lines.append("")
    (out / "README.md").write_text("\n".join(lines))
