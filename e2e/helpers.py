"""Small helpers shared by the browser tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PASSWORD = "demo"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 760}
ROOT = Path(__file__).resolve().parent.parent


def go(page: Any, path: str) -> Any:
    return page.goto(page.base + path)


def login(page: Any, username: str, *, portal: bool = False) -> None:
    go(page, "/portal/login/" if portal else "/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    submit(page, "#login-submit")
    assert "/login/" not in page.url, f"login as {username} failed"


def lang(page: Any) -> str:
    return str(page.get_attribute("html", "lang"))


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def screenshot_dir(tmp_path: Path) -> Path:
    if os.environ.get("ADUAN_SCREENSHOTS"):
        target = ROOT / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        return target
    return tmp_path


def submit(page: Any, selector: str) -> None:
    """Click a button that sends a form, and wait until the answer page has loaded."""
    with page.expect_navigation():
        page.click(selector)
