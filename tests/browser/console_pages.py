"""What the browser tests do on the console's pages, step by step (a helper module)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
#: The seed's labels, exactly.
ENGINE_LABELS = {
    "dialog": "Наш LLM",
    "realtime": "OpenAI Realtime (гибрид)",
    "realtime_pure": "OpenAI Realtime (чистый, только промпт)",
}
CALL_ID = re.compile(r"[0-9a-f]{32}")


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot under build/screenshots/ (the artefact to look at)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, console: Any, user: str, then_open: str | None = None) -> None:
    """Sign ``user`` in; ``then_open`` names a navigation link («Пакеты», ...) to follow."""
    page.goto(console.url)
    page.get_by_label("Имя пользователя").fill(user)
    page.get_by_label("Пароль").fill(console.passwords[user])
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("banner")).to_contain_text(user)
    if then_open:
        page.get_by_role("link", name=then_open).click()


def engine_radio(page: Any, engine: str) -> Any:
    return page.get_by_role("radio", name=ENGINE_LABELS[engine], exact=False)


def place_call(page: Any, number: str = "+79161234567", engine: str | None = None) -> str:
    """Fills «Звонок» and presses «Позвонить»; returns the started call's id."""
    page.get_by_role("link", name="Звонок").click()
    page.get_by_label("Номер оператора").fill(number)
    if engine is not None:
        engine_radio(page, engine).check()
    page.get_by_role("button", name="Позвонить").click()
    ident = page.locator(".live code")
    expect(ident).to_have_text(CALL_ID)
    return str(ident.inner_text())


def status(page: Any) -> Any:
    return page.get_by_role("status").filter(has_text="Статус")


def wait_final(page: Any, timeout_s: float = 90) -> None:
    expect(status(page)).to_contain_text("завершён", timeout=timeout_s * 1000)


def watch_transcript(page: Any, timeout_s: float = 90) -> list[tuple[int, str]]:
    """Line counts seen while the call runs, with the status shown at each: (count, status)."""
    seen: list[tuple[int, str]] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = status(page).inner_text()
        seen.append((page.locator(".transcript .line").count(), text))
        if "завершён" in text:
            break
        time.sleep(0.25)
    return seen
