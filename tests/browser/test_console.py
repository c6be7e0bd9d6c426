"""The console in Chromium against the local stack: sign-in, «Звонок» live on every engine,
«Завершить», roles (the viewer cannot call: no button, and the API refuses), «Настройки»."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.console_pages import (
    ENGINE_LABELS,
    engine_radio,
    place_call,
    shot,
    sign_in,
    status,
    wait_final,
    watch_transcript,
)

pytestmark = pytest.mark.e2e

#: API values (English, machine-readable) that must reach a Russian page only as Russian words.
LEAKS = re.compile(
    r"\b(good|average|poor|heuristic|success|goodbye|completed|cancelled|no_answer|simulated|"
    r"measured|stopped|end_call|operator_hangup|Descriptive|no OpenAI key|the text model|"
    r"retry after|Choose File|No file chosen)\b"
)


def finished_call(console: Any) -> str:
    """A completed call with its evaluation: the latest one, or one placed now (machine API)."""
    listed = requests.get(
        f"{console.api}/calls?status=completed&limit=1",
        headers={"x-api-key": console.api_key},
        timeout=10,
    ).json()["calls"]
    if listed:
        call_id = str(listed[0]["call_id"])
    else:
        started = requests.post(
            f"{console.api}/call",
            json={"to": "+79161234567"},
            headers={"x-api-key": console.api_key},
            timeout=10,
        )
        assert started.status_code == 202, started.text
        call_id = str(started.json()["call_id"])
    console.evaluation(call_id, timeout_s=120)
    return call_id


def assert_no_english(page: Any) -> None:
    """The page's visible text says no API value in English."""
    text = page.locator("main").inner_text()
    assert not LEAKS.findall(text), LEAKS.findall(text)


def test_sign_in_refuses_a_wrong_password_in_words_then_lets_the_user_in(
    page: Any, console: Any
) -> None:
    # Given the console's sign-in page
    page.goto(console.url)
    expect(page.get_by_role("heading", name="Виртуальный клиент")).to_be_visible()
    # When a wrong password is sent, from the keyboard alone
    page.get_by_label("Имя пользователя").focus()
    page.keyboard.type("trainer")
    page.keyboard.press("Tab")
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")
    # Then the error is said in words next to the form
    expect(page.get_by_role("alert")).to_have_text("Неверное имя пользователя или пароль.")
    shot(page, "signin_wrong_password")
    # When the right one is typed
    page.get_by_label("Пароль").fill(console.passwords["trainer"])
    page.keyboard.press("Enter")
    # Then the trainer is in, on «Звонок», and sees no admin tab
    expect(page.get_by_role("banner")).to_contain_text("trainer · тренер")
    expect(page.get_by_role("heading", name="Звонок")).to_be_visible()
    expect(page.get_by_role("link", name="Настройки")).to_have_count(0)
    shot(page, "call_form_trainer")


def test_the_first_view_is_quick_on_the_local_stack(page: Any, console: Any) -> None:
    # A figure, not a timed assertion: printed for `pytest -s` and the log.
    page.goto(console.url)
    expect(page.get_by_role("button", name="Войти")).to_be_visible()
    timing = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {dom: n.domContentLoadedEventEnd, load: n.loadEventEnd,"
        " bytes: performance.getEntriesByType('resource').reduce((s, r) => s + r.transferSize,"
        " n.transferSize)}; })()"
    )
    print(
        f"console first view (local stack, loopback): DOMContentLoaded {timing['dom']:.0f} ms, "
        f"load {timing['load']:.0f} ms, {timing['bytes'] / 1024:.1f} KB transferred"
    )
    assert timing["bytes"] > 0


def test_the_console_is_served_from_the_stack_small_and_without_secrets(console: Any) -> None:
    page = requests.get(console.url, timeout=10)
    assert page.status_code == 200
    assert "text/html" in page.headers["Content-Type"]
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assets = [
        requests.get(f"{console.url}/assets/{name}", timeout=10) for name in ("app.js", "app.css")
    ]
    # And what app.js imports statically (the shared chunk); Chart.js stays out of it
    chunks = sorted(set(re.findall(r'from"\./([\w-]+\.js)"', assets[0].text)))
    assert chunks, "app.js imports no shared chunk: has the build changed?"
    assets += [requests.get(f"{console.url}/assets/{name}", timeout=10) for name in chunks]
    assert all(a.status_code == 200 for a in assets)
    assert not any("Chart.js" in a.text or "chartjs" in a.text.lower() for a in assets)
    total = len(page.content) + sum(len(a.content) for a in assets)
    print(f"console first load: {total / 1024:.1f} KB (page, app.js, app.css, {', '.join(chunks)})")
    assert total < 300 * 1024
    everything = page.text + "".join(a.text for a in assets)
    assert "http://" not in everything.replace("http://www.w3.org", "")  # no other origin
    assert console.api_key not in everything
    assert not any(password in everything for password in console.passwords.values())


@pytest.mark.parametrize("engine", ["dialog", "realtime", "realtime_pure"])
def test_a_call_on_each_engine_shows_its_transcript_live_until_finished(
    page: Any, console: Any, engine: str
) -> None:
    # Given a trainer on «Звонок»
    sign_in(page, console, "trainer")
    # When they call on this engine
    call_id = place_call(page, engine=engine)
    expect(page.get_by_role("heading", name=f"Звонок {ENGINE_LABELS[engine]}")).to_be_visible()
    # Then transcript lines appear one after another while the call is still running
    page.locator(".transcript .line").first.wait_for(timeout=60_000)
    box_before = page.locator(".transcript").bounding_box()
    shot(page, f"call_live_{engine}")
    seen = watch_transcript(page)
    running_counts = [count for count, text in seen if "завершён" not in text]
    assert len(set(running_counts)) >= 3, f"lines did not arrive live: {seen}"
    # And the status reaches «завершён», each client turn with its voice-to-voice time
    wait_final(page)
    expect(status(page)).to_contain_text("разговор состоялся")
    expect(page.locator(".line.client .v2v").filter(has_text="мс").first).to_be_visible()
    # And the transcript box kept its place and size while it grew (no layout jump)
    assert page.locator(".transcript").bounding_box() == box_before
    shot(page, f"call_done_{engine}")
    stored = console.call(call_id)
    assert stored["engine"] == engine
    assert stored["status"] == "completed"
    shown = page.locator(".transcript .line").count()
    assert shown == len(stored["transcript"])


def test_the_number_is_checked_against_e164_and_the_allowlist_before_sending(
    page: Any, console: Any
) -> None:
    sign_in(page, console, "trainer")
    before = len(console.starts())
    number = page.get_by_label("Номер оператора")
    number.fill("8 916 123-45-67")
    page.get_by_role("button", name="Позвонить").click()
    expect(page.locator("#to-error")).to_contain_text("E.164")
    expect(number).to_have_attribute("aria-invalid", "true")
    number.fill("+12025550123")  # E.164, but +1 is not an allowed prefix locally
    expect(page.locator("#to-error")).to_contain_text("звонить можно только на +7, +44")
    shot(page, "call_number_refused")
    page.get_by_role("button", name="Позвонить").click()
    assert len(console.starts()) == before, "nothing may be dialed"


def test_a_pasted_persona_shows_every_problem_at_its_line(page: Any, console: Any) -> None:
    sign_in(page, console, "trainer")
    page.get_by_label("Персона", exact=True).select_option(
        label="Своя: вставить или загрузить YAML"
    )
    area = page.get_by_label("Персона в YAML")
    area.fill("id: broken\nname: Иван\nlanguage: ru-RU\nphases: []\ntopics: 5\n")
    problems = page.locator(".problems li")
    expect(problems.first).to_be_visible()
    texts = problems.all_inner_texts()
    assert any(t.startswith("строка ") for t in texts), texts
    assert any("строка 4 — phases: нужно хотя бы 1" in t for t in texts), texts
    assert any("обязательное поле не задано" in t for t in texts), texts
    shot(page, "persona_problems")
    # A line's button puts the cursor on that line of the text
    page.locator(".problems li button").first.click()
    expect(area).to_be_focused()
    # A valid persona (the bundled car buyer's file) passes, and the call can go
    from vclient.dialog.bundled import bundled_dir

    area.fill(bundled_dir().joinpath("car_buyer.yaml").read_text(encoding="utf-8"))
    expect(page.locator("#persona-check .ok")).to_contain_text("Персона в порядке")


def test_a_viewer_has_no_call_button_and_the_api_refuses_their_call(
    page: Any, console: Any
) -> None:
    # Given a viewer signed in
    sign_in(page, console, "viewer")
    # Then «Звонок» has no «Позвонить», and says why
    expect(page.get_by_role("heading", name="Звонок")).to_be_visible()
    expect(page.get_by_role("button", name="Позвонить")).to_have_count(0)
    expect(page.locator("#viewer-note")).to_contain_text("наблюдатель")
    shot(page, "call_form_viewer")
    # And the API refuses the viewer's call, whatever the page shows
    before = len(console.starts())
    refused = requests.post(
        f"{console.url}/api/call",
        json={"to": "+79161234567", "scenario": "dialog"},
        headers={"Authorization": console.token("viewer")},
        timeout=10,
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "role_forbidden"
    assert len(console.starts()) == before
    # And neither a missing nor a forged token gets through
    assert requests.post(f"{console.url}/api/call", json={}, timeout=10).status_code == 401
    token = console.token("viewer")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert (
        requests.get(f"{console.url}/api/me", headers={"Authorization": forged}, timeout=10)
    ).status_code == 401
    # And the routing settings are an admin's
    settings = requests.get(
        f"{console.url}/api/settings", headers={"Authorization": token}, timeout=10
    )
    assert settings.status_code == 403


def test_finish_ends_a_running_call_through_the_scenario(page: Any, console: Any) -> None:
    sign_in(page, console, "trainer")
    call_id = place_call(page, engine="dialog")
    page.locator(".transcript .line").nth(1).wait_for(timeout=60_000)
    page.get_by_role("button", name="Завершить").click()
    wait_final(page, timeout_s=30)
    expect(status(page)).to_contain_text("завершён из консоли")
    shot(page, "call_stopped")
    stored = console.call(call_id)
    assert stored["end_reason"] == "stopped"
    assert stored["hangup_by"] == "system"
    assert "media_session" not in str(stored)  # the access URL stays server-side


def test_the_default_engine_switch_changes_the_next_calls_engine(page: Any, console: Any) -> None:
    # Given an admin on «Настройки», the routing as it is (dialog by default)
    sign_in(page, console, "admin", then_open="Настройки")
    expect(page.get_by_role("heading", name="Маршрутизация сейчас")).to_be_visible()
    expect(page.get_by_role("row", name="Наш LLM")).to_contain_text("voice_dialog")
    try:
        # When the default becomes the pure realtime engine
        page.get_by_role("radio", name=ENGINE_LABELS["realtime_pure"]).check()
        page.get_by_role("button", name="Сохранить").click()
        expect(page.locator("form .ok")).to_contain_text("теперь")
        # Then who and when is recorded
        expect(page.locator("table.history tbody tr").first).to_contain_text("admin")
        shot(page, "settings_switched")
        # And «Звонок» now preselects it, and the call placed there runs on it
        page.get_by_role("link", name="Звонок").click()
        expect(engine_radio(page, "realtime_pure")).to_be_checked()
        call_id = place_call(page)
        assert console.call(call_id)["engine"] == "realtime_pure"
        # And so does the next machine call that names no engine
        machine = requests.post(
            f"{console.api}/call",
            json={"to": "+79161234567"},
            headers={"x-api-key": console.api_key},
            timeout=10,
        )
        assert machine.status_code == 202
        assert machine.json()["engine"] == "realtime_pure"
        wait_final(page)
    finally:
        back = requests.put(
            f"{console.url}/api/settings/default_engine",
            json={"engine": "dialog"},
            headers={"Authorization": console.token("admin")},
            timeout=10,
        )
        assert back.status_code == 200


def test_a_trainer_cannot_change_the_routing(console: Any) -> None:
    answer = requests.put(
        f"{console.url}/api/settings/default_engine",
        json={"engine": "realtime"},
        headers={"Authorization": console.token("trainer")},
        timeout=10,
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "role_forbidden"


def test_on_a_phone_the_live_view_fits_the_screen(browser: Any, console: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, console, "trainer")
        shot(page, "phone_call_form")
        place_call(page, engine="realtime")
        page.locator(".transcript .line").nth(2).wait_for(timeout=60_000)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
        shot(page, "phone_call_live")
        wait_final(page)
    finally:
        context.close()


def test_the_call_list_filters_by_label_and_opens_a_call_with_its_transcript_and_turns(
    page: Any, console: Any
) -> None:
    # Given a call placed from «Звонок» with labels, and it has finished
    sign_in(page, console, "trainer", then_open="Звонок")
    page.get_by_label("Стажёр (метка trainee)").fill("petrova")
    page.get_by_label("Команда (метка team)").fill("north")
    call_id = place_call(page, engine="dialog")
    wait_final(page)
    stored = console.call(call_id)
    assert stored["labels"] == {"trainee": "petrova", "team": "north"}
    # When «Звонки» is filtered by that trainee
    page.get_by_role("link", name="Звонки").click()
    page.get_by_label("Стажёр").fill("petrova")
    page.get_by_label("С даты").fill(stored["created_at"][:10])
    page.get_by_role("button", name="Показать").click()
    rows = page.locator("table.calls tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("trainee: petrova")
    shot(page, "calls_filtered")
    # And a trainee nobody has shows none
    page.get_by_label("Стажёр").fill("nobody")
    page.get_by_role("button", name="Показать").click()
    expect(rows.first).to_contain_text("Звонков с такими условиями нет")
    # When the call is opened
    page.goto(f"{console.url}#/calls/{call_id}")
    expect(page.get_by_role("heading", name="Расшифровка")).to_be_visible()
    # Then its page shows every transcript line, each turn's timing, and the evaluation section
    lines = page.locator(".transcript.detail .line")
    expect(lines).to_have_count(len(stored["transcript"]))
    expect(page.locator(".timeline li")).to_have_count(len(stored["turns"]))
    # And the evaluation made after the hang-up: the scorecard, its quotes jump to their line
    evaluation = console.evaluation(call_id)
    checklist = evaluation["operator"]["checklist"]
    expect(page.locator("table.scorecard tbody tr")).to_have_count(len(checklist))
    expect(page.locator(".card")).to_contain_text(
        f"Оператор: {evaluation['operator']['score']}/100"
    )
    quotes = page.locator("button.quote")
    assert quotes.count() > 0, "a scorecard without quoted evidence"
    quotes.first.click()
    expect(page.locator(".line.lit")).to_have_count(1)
    expect(page.locator(".line.lit")).to_be_focused()
    expect(page.locator("audio")).to_have_attribute("src", stored["recording_url"])
    # And the scorecard's level, the method and the fallback reason are in Russian words
    level = {"good": "хорошо", "average": "средне", "poor": "слабо"}[
        evaluation["operator"]["level"]
    ]
    expect(page.locator(".card")).to_contain_text(f"/100 ({level})")
    if stored.get("fallback_reason"):  # locally: no OpenAI key, the scripted responder answered
        expect(page.locator("dd.fallback")).to_contain_text("нет ключа OpenAI")
    assert_no_english(page)
    shot(page, "call_detail")


def test_a_batch_from_its_page_paused_resumed_and_compared_engine_by_engine(
    page: Any, console: Any
) -> None:
    # Given a trainer on «Пакеты»
    sign_in(page, console, "trainer", then_open="Пакеты")
    # When they start a batch: every engine, two operators, two calls at a time
    page.get_by_label("Номера операторов").fill("+79160000101, +79160000102")
    expect(page.locator("#batch-total")).to_contain_text("Звонков в пакете: 6")
    page.get_by_label("Одновременно").fill("2")
    page.get_by_label("Пауза между стартами, с").fill("0")
    page.get_by_role("button", name="Запустить пакет").click()
    state = page.locator(".status[data-state]")
    expect(state).to_be_visible()
    # Then it can be paused and resumed while it runs
    page.get_by_role("button", name="Пауза").click()
    expect(state).to_have_attribute("data-state", "paused")
    shot(page, "batch_paused")
    page.get_by_role("button", name="Продолжить").click()
    expect(state).to_have_attribute("data-state", re.compile("running|done"))
    # And it runs to its end, every item done
    expect(state).to_have_attribute("data-state", "done", timeout=240_000)
    expect(page.locator("table.batch-items tbody tr")).to_have_count(6)
    shot(page, "batch_done")
    # When its comparison is opened
    page.get_by_role("link", name="Сравнение движков по этому пакету").click()
    table = page.locator("table.compare")
    expect(table).to_be_visible(timeout=30_000)
    # Then one column per engine, the figures and the charts
    headers = table.locator("thead th").all_inner_texts()
    assert headers[1:] == list(ENGINE_LABELS.values()), headers
    expect(table.get_by_role("row", name=re.compile("Голос-в-голос p50"))).to_be_visible()
    expect(page.locator(".chart canvas")).to_have_count(3)
    expect(page.get_by_text("симулировано")).to_be_visible()
    # And the report's notes and the endings are in Russian (the API's values stay English)
    expect(page.locator(".card")).to_contain_text("эмулятор VoxEngine")
    expect(table.get_by_role("row", name=re.compile("Концовки"))).not_to_contain_text("success")
    assert_no_english(page)
    shot(page, "compare_batch")
    # And the items' outcomes in the batch are in Russian too
    page.go_back()
    expect(page.locator("table.batch-items tbody tr").first).to_contain_text("разговор состоялся")
    assert_no_english(page)


def test_a_batch_can_be_cancelled_and_a_viewer_cannot_start_one(page: Any, console: Any) -> None:
    sign_in(page, console, "trainer", then_open="Пакеты")
    page.get_by_label("Номера операторов").fill("+79160000103")
    page.get_by_label("Повторы").fill("3")
    page.get_by_label("Пауза между стартами, с").fill("600")
    page.get_by_role("button", name="Запустить пакет").click()
    state = page.locator(".status[data-state]")
    expect(state).to_be_visible()
    page.get_by_role("button", name="Отменить").click()
    expect(state).to_have_attribute("data-state", "cancelled")
    shot(page, "batch_cancelled")
    refused = requests.post(
        f"{console.url}/api/batches",
        json={"persona": "car_buyer", "engines": ["dialog"], "targets": [{"to": "+79160000104"}]},
        headers={"Authorization": console.token("viewer")},
        timeout=10,
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "role_forbidden")


def test_a_persona_file_is_uploaded_and_checked_at_once(
    page: Any, console: Any, tmp_path: Any
) -> None:
    # Given a trainer on «Звонок» choosing their own persona
    sign_in(page, console, "trainer")
    page.get_by_label("Персона", exact=True).select_option(
        label="Своя: вставить или загрузить YAML"
    )
    # Then the upload control is in Russian and reachable from the keyboard
    upload = page.locator("#persona-file")
    expect(page.locator("label[for=persona-file]")).to_have_text("Загрузить файл YAML…")
    page.get_by_label("Персона в YAML").focus()
    page.keyboard.press("Tab")
    expect(upload).to_be_focused()
    # When a broken persona file is chosen
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nname: Иван\nphases: []\n", encoding="utf-8")
    upload.set_input_files(str(broken))
    # Then its name is shown, its text is in the box and its problems at their lines
    expect(page.locator("#persona-file-name")).to_have_text("broken.yaml")
    expect(page.get_by_label("Персона в YAML")).to_have_value(broken.read_text(encoding="utf-8"))
    expect(page.locator(".problems li").filter(has_text="строка 3 — phases")).to_be_visible()
    shot(page, "persona_uploaded")


def test_a_batch_with_a_number_off_the_allowlist_is_refused_next_to_the_numbers(
    page: Any, console: Any
) -> None:
    # Given a trainer on «Пакеты»
    sign_in(page, console, "trainer", then_open="Пакеты")
    before = len(console.starts())
    # When one of the numbers is not E.164 and another not in the allowlist
    targets = page.get_by_label("Номера операторов")
    targets.fill("+79160000105, +12025550123, 8916")
    page.get_by_role("button", name="Запустить пакет").click()
    # Then the problem is said under the numbers, naming them, and nothing starts
    problem = page.locator("#batch-targets-error")
    expect(problem).to_contain_text(
        "Не подходят: +12025550123 — не из разрешённых направлений; 8916 — не в формате E.164"
    )
    expect(problem).not_to_contain_text("+79160000105")
    expect(targets).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".status[data-state]")).to_have_count(0)
    assert len(console.starts()) == before
    shot(page, "batch_numbers_refused")


def test_a_call_is_placed_from_the_keyboard_alone(page: Any, console: Any) -> None:
    # Given a trainer on «Звонок»
    sign_in(page, console, "trainer")
    # When they type the number, Tab to the engines, pick the hybrid with the arrow keys and
    # press Enter
    page.get_by_label("Номер оператора").focus()
    page.keyboard.type("+79161234567")
    page.keyboard.press("Tab")
    expect(engine_radio(page, "dialog")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(engine_radio(page, "realtime")).to_be_checked()
    page.keyboard.press("Enter")
    # Then the call starts on that engine, and «Завершить» is reachable by Tab
    ident = page.locator(".live code")
    expect(ident).to_have_text(re.compile(r"[0-9a-f]{32}"))
    assert console.call(ident.inner_text())["engine"] == "realtime"
    finish = page.get_by_role("button", name="Завершить")
    for _ in range(10):
        page.keyboard.press("Tab")
        if finish.evaluate("b => b === document.activeElement"):
            break
    expect(finish).to_be_focused()
    page.keyboard.press("Enter")
    wait_final(page, timeout_s=60)


def test_the_call_list_pages_forward_and_back(page: Any, console: Any) -> None:
    # Given more calls than one page of ten (the earlier tests placed them)
    calls = requests.get(
        f"{console.api}/calls?limit=11", headers={"x-api-key": console.api_key}, timeout=10
    ).json()["calls"]
    assert len(calls) == 11, "the earlier tests should have placed more than ten calls"
    sign_in(page, console, "viewer", then_open="Звонки")
    # When ten a page are asked for
    page.get_by_label("На странице").select_option("10")
    page.get_by_role("button", name="Показать").click()
    rows = page.locator("table.calls tbody tr")
    expect(rows).to_have_count(10)
    first = rows.first.locator("a").get_attribute("href")
    # Then «Дальше» shows the next calls, and «Назад» the first page again
    page.get_by_role("button", name="Дальше").click()
    expect(page.get_by_text("Страница 2")).to_be_visible()
    expect(rows.first.locator("a")).not_to_have_attribute("href", first or "")
    page.get_by_role("button", name="Назад").click()
    expect(page.get_by_text("Страница 1")).to_be_visible()
    expect(rows.first.locator("a")).to_have_attribute("href", first or "")


def test_every_page_fits_a_phone_and_speaks_russian(browser: Any, console: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, console, "admin")
        call_id = finished_call(console)
        pages = {  # the route, its heading, and what shows once its data is in
            "call": ("#/call", "Звонок", "#to"),
            "calls": ("#/calls", "Звонки", "table.calls tbody tr"),
            "call_detail": (f"#/calls/{call_id}", "Расшифровка", "table.scorecard tbody tr"),
            "batches": ("#/batches", "Новый пакет", "#batch-targets"),
            "settings": ("#/settings", "Маршрутизация сейчас", "table tbody tr"),
        }
        for name, (route, heading, loaded) in pages.items():
            page.goto(f"{console.url}{route}")
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            expect(page.locator(loaded).first).to_be_visible(timeout=30_000)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"«{name}» scrolls sideways on a phone ({width} px)"
            assert_no_english(page)
            shot(page, f"phone_{name}")
        # «Сравнение» for a persona: its table scrolls inside its box, the page does not
        page.goto(f"{console.url}#/compare")
        page.get_by_label("или персона").select_option("car_buyer")
        page.get_by_role("button", name="Показать").click()
        expect(page.locator("table.compare")).to_be_visible(timeout=30_000)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"«Сравнение» scrolls sideways on a phone ({width} px)"
        assert_no_english(page)
        shot(page, "phone_compare")
    finally:
        context.close()


def test_a_call_the_sweep_ended_as_lost_says_so_in_russian(page: Any, console: Any) -> None:
    import time

    import boto3

    from vclient.logic.sweep_calls import LOST
    from vclient_dev.local_stack import REGION, STACK_NAME

    # Given a call whose item holds what the sweep writes for a lost call
    placed = requests.post(
        f"{console.api}/call",
        json={"to": "+79161234567"},
        headers={"x-api-key": console.api_key},
        timeout=30,
    )
    assert placed.status_code == 202, placed.text
    call_id = placed.json()["call_id"]
    deadline = time.monotonic() + 90
    while console.call(call_id)["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline, "the call never ended"
        time.sleep(1)
    boto3.client("dynamodb", endpoint_url=console.aws, region_name=REGION).update_item(
        TableName=f"{STACK_NAME}-CallsTable",
        Key={"pk": {"S": call_id}, "sk": {"S": "CALL"}},
        # (what a lost call lacks: no ending ever reached the stack)
        UpdateExpression="SET #s = :s, failure = :f REMOVE ending, end_reason, hangup_by",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={
            ":s": {"S": "failed"},
            ":f": {"M": {k: {"S": v} for k, v in LOST.items()}},
        },
    )
    # When a trainer opens it
    sign_in(page, console, "trainer")
    page.goto(f"{console.url}#/calls/{call_id}")
    expect(page.get_by_role("heading", name="Расшифровка")).to_be_visible()
    # Then the failure is named in Russian, its code beside it
    expect(page.locator(".card")).to_contain_text(
        "Итог звонка не дошёл до сервера (звонок потерян): lost"
    )
    shot(page, "call_lost")
