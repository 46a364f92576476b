"""The web app in a real browser: Debian's Chromium, headless, driven by
Playwright (launched by path: nothing is downloaded). Opens the claim page
and an article page of a store built from the example corpus, checks that
the timeline and the highlights show the right entries, and saves
screenshots in the test's output folder (and in ONRECORD_SCREENSHOTS, when
set, which is how docs/claim-timeline.png was made)."""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest
from conftest import running_server

CHROMIUM = os.environ.get("ONRECORD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("ONRECORD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no Chromium at {CHROMIUM} (ONRECORD_REQUIRE_BROWSER=1): apt-get install chromium")
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def save(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / name), full_page=True)
    extra = os.environ.get("ONRECORD_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(extra) / name), full_page=False)


@pytest.mark.slow
def test_claim_and_article_pages_in_chromium(browser, store_url, tmp_path):
    with running_server(store_url) as base:
        page = browser.new_page(viewport={"width": 1200, "height": 820})
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))

        claims = get_json(f"{base}/api/claims")["items"]
        spill = next(c for c in claims if c["changes"])
        timeline = get_json(f"{base}/api/claims/{spill['id']}")["timeline"]
        page.goto(f"{base}/claims/{spill['id']}")
        assert page.locator("svg.timeline circle.mark").count() == len(timeline)
        assert page.locator("svg.timeline circle.mark.stance-deny").count() == sum(
            1 for row in timeline if row["stance"] == "deny"
        )
        assert page.locator("svg.timeline path.change-reversal").count() >= 1
        speakers = {row.get("actor_name") or row.get("speaker_name") for row in timeline}
        labels = set(page.locator("svg.timeline text.speaker-label").all_text_contents())
        assert {s[:32] for s in speakers if s} <= labels
        box = page.locator("svg.timeline").bounding_box()
        assert box and box["width"] > 600 and box["height"] > 100  # drawn, not collapsed
        save(page, tmp_path, "claim-timeline.png")

        # a mark links to its statement, highlighted in its article
        first_deny = next(row for row in timeline if row["stance"] == "deny")
        page.locator(f'svg.timeline a[data-statement="{first_deny["id"]}"]').click()
        page.wait_for_url(f"**/articles/{first_deny['article_id']}*")
        article = get_json(f"{base}/api/articles/{first_deny['article_id']}")
        assert page.locator(".article-statements li.statement").count() == len(article["statements"])
        local = first_deny["id"].rsplit(":", 1)[1]
        content = page.locator(f'.article-body .hl-content[data-statement="{local}"]')
        assert content.count() >= 1 and content.first.is_visible()
        assert page.locator(".article-body .hl-speaker").count() >= 1
        assert page.locator(".article-body .hl-cue").count() >= 1
        colours = {
            page.locator(f".article-body .hl-{part}").first.evaluate("e => getComputedStyle(e).backgroundColor")
            for part in ("speaker", "cue", "content")
        }
        assert len(colours) == 3  # three distinct colours
        # pointing at a statement in the list outlines its words in the text
        page.locator(f'.article-statements li[data-statement="{local}"]').hover()
        assert "active" in (content.first.get_attribute("class") or "")
        save(page, tmp_path, "article.png")
        assert not problems, problems


PASTED = """Port authority admits diesel leaked into Calder Bay

The Calder Bay Port Authority admitted on Thursday that diesel from a damaged tanker had leaked into the \
harbour, days after it denied any spill.

"No diesel has leaked into the harbour," the authority's director, Ingrid Vale, told reporters on Monday.

On Thursday Vale said: "We now know that diesel leaked into the harbour from the tanker. We were wrong."
"""


@pytest.mark.slow
def test_the_web_app_has_no_dead_ends_in_chromium(browser, store_url, tmp_path):
    """/docs renders with nothing fetched from elsewhere; a 404 is a page; a
    list page filters through its form; paste-and-analyse without a token
    shows claims and a reversal."""
    with running_server(store_url) as base:
        page = browser.new_page(viewport={"width": 1200, "height": 820})
        elsewhere: list[str] = []
        page.on("request", lambda request: None if request.url.startswith(base) else elsewhere.append(request.url))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())

        page.goto(f"{base}/docs")
        page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
        assert page.locator(".swagger-ui .opblock").count() >= 10  # one block per operation
        assert page.get_by_text("/api/statements", exact=True).count() >= 1
        save(page, tmp_path, "docs.png")

        answer = page.goto(f"{base}/claims/no-such-claim")
        assert answer is not None and answer.status == 404
        assert page.locator("h1").first.is_visible() and "no such claim" in page.content()
        assert page.locator("header.top nav a").count() >= 5  # a way on from the error

        page.goto(f"{base}/statements")
        page.select_option("form.filter select[name=stance]", "deny")
        page.click("form.filter button[type=submit]")
        page.wait_for_url("**/statements?*stance=deny*")
        shown = page.locator("li.statement").count()
        denials = get_json(f"{base}/api/statements?stance=deny")["items"]
        assert shown == len(denials) > 0 and page.locator("li.statement .stance-deny").count() == shown

        page.goto(f"{base}/analyze")
        page.fill("textarea[name=text]", PASTED)
        page.fill("input[name=published]", "2025-03-14")
        page.click("form.analyze button[type=submit]")
        page.wait_for_selector(".change-reversal", timeout=60_000)
        assert page.locator("li.change-item.change-reversal").count() >= 1
        assert page.get_by_text("Claims (").count() >= 1
        save(page, tmp_path, "paste-and-analyse.png")
        assert not elsewhere, elsewhere


@pytest.mark.slow
def test_a_correction_made_on_a_page_holds_everywhere_and_after_reanalysis(browser, store_url, tmp_path):
    """Signed in with the token, a reader corrects a statement's stance on
    an actor page: the page marks it, the API and an export carry it, and
    `onrecord reanalyze` keeps it."""
    from conftest import API_TOKEN
    from typer.testing import CliRunner

    from onrecord.cli import app

    with running_server(store_url) as base:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        actor = get_json(f"{base}/api/actors")["items"][0]
        statement = get_json(f"{base}/api/statements?actor={actor['id']}")["items"][0]
        wanted = "question" if statement["stance"] != "question" else "neutral"

        page.goto(f"{base}/actors/{actor['id']}")
        assert page.locator("details.correct").count() == 0  # no forms before signing in
        page.click("a.signin")
        page.fill("input[name=token]", API_TOKEN)
        page.click("form.signin button[type=submit]")
        page.goto(f"{base}/actors/{actor['id']}")
        item = page.locator("li.statement", has=page.locator(f'input[name=target][value="{statement["id"]}"]'))
        item.locator("details.correct summary").click()
        item.locator("select[name=kind]").select_option("stance")
        item.locator("input[name=value]").fill(wanted)
        item.locator("input[name=why]").fill("the minister asks, she does not say")
        item.locator("input[name=by]").fill("Desk editor")
        item.locator("form.correction button[type=submit]").click()
        page.wait_for_url(f"**/actors/{actor['id']}")
        item = page.locator("li.statement", has=page.locator(f'input[name=target][value="{statement["id"]}"]'))
        assert item.locator("a.corrected").count() == 1
        assert item.locator(f".stance-{wanted}").count() == 1
        save(page, tmp_path, "actor-page.png")

        def stored() -> dict:
            found = get_json(f"{base}/api/statements?actor={actor['id']}&limit=500")["items"]
            return next(s for s in found if s["id"] == statement["id"])

        assert stored()["stance"] == wanted and stored()["corrected"]
        history = get_json(f"{base}/api/corrections?target={statement['id']}")["items"]
        assert history[0]["made_by"] == "Desk editor" and history[0]["old_value"] == statement["stance"]
        out = tmp_path / "statements.jsonl"
        exported = CliRunner().invoke(
            app, ["export", "--db", store_url, "--what", "statements", "--format", "jsonl", "--out", str(out)]
        )
        assert exported.exit_code == 0, exported.output
        rows = {row["id"]: row for row in map(json.loads, out.read_text().splitlines())}
        assert rows[statement["id"]]["corrected"] is True and rows[statement["id"]]["stance"] == wanted
        again = CliRunner().invoke(app, ["reanalyze", "--db", store_url, "--workers", "1", "--quiet"])
        assert again.exit_code == 0, again.output
        assert stored()["stance"] == wanted and stored()["corrected"]
        page.reload()
        assert (
            page.locator("li.statement", has=page.locator(f'input[name=target][value="{statement["id"]}"]'))
            .locator("a.corrected")
            .count()
            == 1
        )
        assert not problems, problems
