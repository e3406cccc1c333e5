"""The studio's /batch page through the real server: a roster checked row by row before
anything is built (row, column, the CLI's message), the good rows built with progress, a ZIP
of the PDFs and the report; files that are not rosters, tampered names, CSRF; the page in
Chromium with axe."""

from __future__ import annotations

import html
import io
import json
import re
import time
import urllib.parse
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from studio_support import TOKEN, Reply, Studio, check_page, set_width

SHOTS = Path("/tmp/shots-batch")
SETTINGS = {"worksheets": ["i-statements"], "region": "US", "language": "en",
            "theme": "default", "page_size": "letter", "edition": "client", "ui": "en"}  # fmt: skip
HEADER = "recipient.name,loved_one.name,region,worksheets\n"
ROSTER = (HEADER + "Ana Ruiz,Luis,,\nBea Stone,Max,XYZ,\nCy Park,Jo,,no-such-sheet\n"
          "Dee Long,Kim,MX,\n").encode()  # fmt: skip


def post(studio: Studio, path: str, fields: dict[str, Any]) -> Reply:
    pairs = [
        (k, str(v)) for k, vs in fields.items() for v in (vs if isinstance(vs, list) else [vs])
    ]
    body = urllib.parse.urlencode(pairs).encode()
    return studio.request(path, body, headers={"Content-Type": "application/x-www-form-urlencoded"})


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} in the page"
    return html.unescape(found.group(1))


def from_settings(studio: Studio, **changes: Any) -> str:
    """The batch page the workbook page's "A roster with these settings" opens."""
    reply = post(studio, "/batch", {"csrf": studio.csrf(), "action": "settings", **SETTINGS,
                                    **changes})  # fmt: skip
    assert reply.status == 200, reply.text[:3000]
    return hidden(reply.text, "base")


def check(studio: Studio, roster: bytes, name: str = "roster.csv", **fields: Any) -> Reply:
    return studio.upload("/batch", {"action": "check", "ui": "en", **fields},
                         [("roster", name, roster)])  # fmt: skip


def cells(page: str) -> list[list[str]]:
    """The bad rows' table as text: [row, column, problem] per row."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]  # fmt: skip


def build(studio: Studio, page: str) -> str:
    """Press "Build the N good rows"; the job's name."""
    fields = {"csrf": studio.csrf(), "action": "build", "ui": hidden(page, "ui"),
              "base": hidden(page, "base"), "roster": hidden(page, "roster")}  # fmt: skip
    reply = post(studio, "/batch", fields)
    assert reply.status == 303, reply.text[:3000]
    found = re.fullmatch(r"/batch/([0-9a-f]{32})\?ui=(en|es)", reply.headers["location"])
    assert found
    return found.group(1)


def finished(studio: Studio, job: str, seen: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    deadline = time.monotonic() + 240
    while True:
        reply = studio.request(f"/batch/{job}/progress")
        assert reply.status == 200 and reply.headers["content-type"] == "application/json"
        figures: dict[str, Any] = json.loads(reply.body)
        if seen is not None:
            seen.append(figures)
        if figures["finished"]:
            return figures
        assert time.monotonic() < deadline, figures
        time.sleep(0.2)


def test_every_bad_row_is_shown_before_anything_is_built_then_the_rest_is_zipped(
    studio: Studio,
) -> None:
    base = from_settings(studio)
    reply = check(studio, ROSTER, base=base)
    assert reply.status == 200, reply.text[:3000]
    table = cells(reply.text)
    assert [row[:2] for row in table] == [["2", "region"], ["3", "worksheets"]], table
    assert "roster.csv:3:3" in table[0][2] and "XYZ" in table[0][2]
    assert "no-such-sheet" in table[1][2] and "roster.csv:4:4" in table[1][2]
    assert "4 rows." in reply.text and "2 rows are fine." in reply.text
    assert 'role="alert"' in reply.text and "Build the 2 good rows" in reply.text
    assert studio.scratch is not None and not list(studio.scratch.glob("**/*.pdf"))  # not yet

    job = build(studio, reply.text)
    figures = finished(studio, job)
    assert (figures["done"], figures["total"], figures["failed"]) == (2, 2, 0), figures
    assert figures["skipped"] == 2 and figures["rate"] > 0 and figures["seconds_left"] == 0
    download = studio.request(f"/batch/{job}/zip")
    assert download.status == 200 and download.headers["content-type"] == "application/zip"
    assert 'filename="workbooks.zip"' in download.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(download.body))
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())
    pdfs = sorted(n for n in archive.namelist() if n.endswith(".pdf"))
    assert len(pdfs) == 2 and "report.json" in archive.namelist(), archive.namelist()
    texts = [PdfReader(io.BytesIO(archive.read(n))).pages[0].extract_text() for n in pdfs]
    assert any("Ana Ruiz" in t for t in texts) and any("Dee Long" in t for t in texts)
    report = json.loads(archive.read("report.json"))
    assert (report["ok"], report["failed"], report["complete"]) == (2, 2, True)
    status = {r["row"]: r["status"] for r in report["rows"]}
    assert status == {1: "ok", 2: "error", 3: "error", 4: "ok"}
    errors = {r["row"]: r["error"] for r in report["rows"] if r["error"]}
    assert errors[2].startswith("roster.csv:3:3: error: row 2, column 'region'")
    assert "no-such-sheet" in errors[3] and "scratch" not in json.dumps(report)
    assert {r["output"] for r in report["rows"] if r["output"]} == set(pdfs)
    assert not any(studio.output.iterdir())  # everything in the scratch folder


def test_the_job_page_works_without_a_script(studio: Studio) -> None:
    page = check(studio, (HEADER + "Eve Moss,Ray,,\n").encode(), base=from_settings(studio)).text
    job = build(studio, page)
    running = studio.request(f"/batch/{job}?ui=en").text
    assert 'id="batch-progress"' in running and 'role="status"' in running
    finished(studio, job)
    done = studio.request(f"/batch/{job}?ui=en").text
    assert "Finished: 1 of 1 built, 0 failed." in done
    assert f'href="/batch/{job}/zip"' in done and "Refresh" not in done
    save = post(studio, f"/batch/{job}", {"csrf": studio.csrf(), "action": "save", "ui": "en"})
    assert save.status == 303
    saved = [p for p in studio.output.iterdir() if p.name.startswith("workbooks-")]
    assert len(saved) == 1 and f"Saved in {saved[0]}" in studio.request(f"/batch/{job}").text
    assert sorted(p.suffix for p in saved[0].iterdir()) == [".json", ".pdf"]
    spanish = studio.request(f"/batch/{job}?ui=es").text
    assert '<html lang="es">' in spanish and "Terminado: 1 de 1 creados" in spanish


def test_a_saved_manifest_works_from_the_nav_link(studio: Studio) -> None:
    manifest = yaml.safe_dump({"workbook": 1, "worksheets": ["i-statements"]}).encode()
    assert "Saved manifest" in studio.request("/batch").text
    reply = studio.upload("/batch", {"action": "check", "ui": "en"},
                          [("manifest", "mine.yaml", manifest),
                           ("roster", "people.yaml", b"- recipient: {name: Fay}\n")])  # fmt: skip
    assert reply.status == 200, reply.text[:3000]
    assert "Using the manifest mine.yaml, with these worksheets: i-statements." in reply.text
    assert "people.yaml: 1 row." in reply.text and "Build the 1 good row<" in reply.text
    again = studio.upload("/batch", {"action": "check"}, [("manifest", "manifest.yaml", manifest),
                          ("roster", "people.yaml", b"- recipient: {name: Fay}\n")])  # fmt: skip
    assert "Using the manifest manifest.yaml" in again.text  # not "from the workbook page"


def test_the_figures_in_words(tmp_path: Path) -> None:
    from workbook.studio.app import Studio as Context
    from workbook.studio.batch import View
    from workbook.studio.batch_jobs import Job

    context = Context(TOKEN, tmp_path, tmp_path)
    job = Job(tmp_path, 400, 0, done=40)
    said = []
    for ui, left in (("en", 12), ("es", 12), ("en", 200), ("es", 200)):
        figures = {**job.progress(), "rate": 3.14, "seconds_left": left}
        page = context.render("batch.html.j2", ui, current="/batch", view=View(), job=job,
                              name="0" * 32, figures=figures)  # fmt: skip
        found = re.search(r'id="batch-status" role="status">([^<]*)<', page)
        said.append(found[1] if found else page)
    assert said == ["40 of 400 built, 3.1 a second, about 12 seconds left",
                    "40 de 400 creados, 3,1 por segundo, faltan unos 12 segundos",
                    "40 of 400 built, 3.1 a second, about 3 minutes left",
                    "40 de 400 creados, 3,1 por segundo, faltan unos 3 minutos"]  # fmt: skip


def test_the_settings_logo_goes_with_them(studio: Studio) -> None:
    from PIL import Image

    logo = io.BytesIO()
    Image.new("RGB", (40, 20), (29, 91, 121)).save(logo, "PNG")
    reply = studio.upload("/batch", {"action": "settings", **SETTINGS, "practice": "Harbor"},
                          [("logo_file", "harbor.png", logo.getvalue())])  # fmt: skip
    assert reply.status == 200, reply.text[:3000]
    page = check(studio, (HEADER + "Gus Hale,Ivy,,\n").encode(), base=hidden(reply.text, "base"))
    assert "1 row is fine." in page.text, page.text[:3000]
    job = build(studio, page.text)
    assert finished(studio, job)["failed"] == 0
    archive = zipfile.ZipFile(io.BytesIO(studio.request(f"/batch/{job}/zip").body))
    pdf = PdfReader(
        io.BytesIO(archive.read(next(n for n in archive.namelist() if n.endswith(".pdf"))))
    )
    sizes = [i.image.size for page in pdf.pages for i in page.images if i.image is not None]
    assert (40, 20) in sizes  # the logo


def test_a_problem_in_the_settings_is_said_once_as_the_settings(studio: Studio) -> None:
    reply = check(studio, ROSTER, base=from_settings(studio, region="QQQ"))
    text = html.unescape(reply.text)
    assert "Some problems are in the settings" in text
    assert text.count("manifest.yaml:5:1") == 1 + 2  # said once, and where for rows 1 and 3
    table = [row[:2] for row in cells(reply.text)]
    assert table == [["1", "(whole row)"], ["2", "region"], ["3", "(whole row)"]]  # 4 is MX


def test_a_json_roster_names_the_field_and_its_line(studio: Studio) -> None:
    people = [{"recipient": {"name": "Hal"}}, {"recipient": {"name": "Ida"},
              "loved_one": {"relationship": "cousin"}}]  # fmt: skip
    roster = json.dumps(people, indent=1).encode()
    reply = check(studio, roster, "people.json", base=from_settings(studio))
    table = cells(reply.text)
    assert [row[:2] for row in table] == [["2", "loved_one.relationship"]], table
    assert "cousin" in table[0][2] and "In people.json:12:4" in table[0][2]
    assert "1 row is fine." in reply.text


def test_the_example_roster_passes_its_own_check(studio: Studio) -> None:
    assert 'href="/batch/example.csv"' in studio.request("/batch").text
    example = studio.request("/batch/example.csv")
    assert example.headers["content-type"].startswith("text/csv")
    reply = check(studio, example.body, base=from_settings(studio))
    assert "2 rows are fine." in reply.text and "Build the 2 good rows" in reply.text


def test_no_worksheets_ticked_is_a_clear_message_with_a_way_back(studio: Studio) -> None:
    reply = post(studio, "/batch", {"csrf": studio.csrf(), "action": "settings",
                                    **{**SETTINGS, "worksheets": []}})  # fmt: skip
    assert reply.status == 422 and 'role="alert"' in reply.text
    assert "No worksheets were ticked" in reply.text and 'href="/?ui=en"' in reply.text


@pytest.mark.parametrize(("name", "data"), [
    ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\xff\xfe"),
    ("junk.yaml", b"\x00\x01\x02\xff\xfe binary junk"),
    ("list.yaml", b"recipient: {name: Ana}\n"),
    ("empty.csv", b"\n"),
])  # fmt: skip
def test_a_file_that_is_not_a_roster_is_named_and_the_server_keeps_serving(
    studio: Studio, name: str, data: bytes
) -> None:
    reply = check(studio, data, name, base=from_settings(studio))
    assert reply.status == 422, reply.text[:2000]
    assert 'role="alert"' in reply.text and name in reply.text
    assert "Build the" not in reply.text and "What the check found" not in reply.text
    assert studio.request("/batch").status == 200


def test_a_roster_too_large_for_the_studio_points_to_the_cli(
    studio: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("workbook.studio.batch_check.MAX_ROWS", 2)
    reply = check(studio, ROSTER, "big.csv", base=from_settings(studio))
    assert reply.status == 422 and "big.csv: more than 2 rows" in html.unescape(reply.text)
    assert "workbook batch" in html.unescape(reply.text)


def test_stop_keeps_what_is_built_and_the_report_says_so(studio: Studio) -> None:
    roster = HEADER + "".join(f"Person {i},Kin {i},,\n" for i in range(60))
    page = check(studio, roster.encode(), base=from_settings(studio, ui="es"), ui="es").text
    assert "60 filas están bien." in page and "Crear los cuadernos de las 60 filas" in page
    job = build(studio, page)
    stop = post(studio, f"/batch/{job}", {"csrf": studio.csrf(), "action": "stop", "ui": "es"})
    assert stop.status == 303 and stop.headers["location"] == f"/batch/{job}?ui=es"
    figures = finished(studio, job)
    assert figures["stopped"] and figures["done"] < 60, figures
    assert "Detenido:" in studio.request(f"/batch/{job}?ui=es").text
    archive = zipfile.ZipFile(io.BytesIO(studio.request(f"/batch/{job}/zip").body))
    report = json.loads(archive.read("report.json"))
    assert (report["complete"], report["interrupted"]) == (False, True)
    assert report["ok"] == figures["done"] == len(archive.namelist()) - 1


def language(studio: Studio, ui: str, page: str = "", files: list[tuple[str, str, bytes]] | None = None,
             csrf: str | None = None, **fields: Any) -> Reply:  # fmt: skip
    """The language switch pressed on `page`: its form (the settings, the roster it checked)
    sent with the new `ui`, and `files` chosen in it (field, file name, bytes)."""
    sent = {"action": "language", "ui": ui}
    for name in ("base", "kept"):
        found = re.search(rf'name="{name}" value="([^"]*)"', page)
        if found:
            sent[name] = html.unescape(found.group(1))
    return studio.upload("/batch", {**sent, **fields}, files or [], csrf=csrf)


def test_a_change_of_language_keeps_the_settings_and_the_check(studio: Studio) -> None:
    page = check(studio, ROSTER, base=from_settings(studio)).text
    assert 'name="kept"' in page and 'form="batch-form"' in page
    spanish = language(studio, "es", page)
    assert spanish.status == 200, spanish.text[:3000]
    assert '<html lang="es">' in spanish.text
    assert "Con los ajustes de la página del cuaderno y estas hojas de trabajo: i-statements." in (
        spanish.text)  # fmt: skip
    assert "roster.csv: 4 filas." in spanish.text and "2 filas están bien." in spanish.text
    assert [row[:2] for row in cells(spanish.text)] == [["2", "region"], ["3", "worksheets"]]
    assert "Crear los cuadernos de las 2 filas correctas" in spanish.text
    assert hidden(spanish.text, "base") == hidden(page, "base")
    assert hidden(spanish.text, "kept") == hidden(page, "kept")
    back = language(studio, "en", spanish.text)
    assert cells(back.text) == cells(page) and "Build the 2 good rows" in back.text
    job = build(studio, back.text)  # and the page still builds
    assert finished(studio, job)["done"] == 2


def test_a_change_of_language_keeps_files_chosen_and_not_yet_sent(studio: Studio) -> None:
    settings = language(studio, "es", base=from_settings(studio))
    assert settings.status == 200 and "Con los ajustes de la página" in settings.text
    assert "Lo que encontró la revisión" not in settings.text  # nothing to check yet
    chosen = language(studio, "es", settings.text, files=[("roster", "people.csv", ROSTER)])
    assert "people.csv: 4 filas." in chosen.text, chosen.text[:3000]
    manifest = yaml.safe_dump({"workbook": 1, "worksheets": ["boundary-planning"]}).encode()
    other = language(studio, "en", chosen.text, files=[("manifest", "mine.yaml", manifest)])
    assert "Using the manifest mine.yaml, with these worksheets: boundary-planning." in other.text
    assert "people.csv: 4 rows." in other.text  # the roster checked against the new settings
    assert hidden(other.text, "base") != hidden(chosen.text, "base")
    assert build(studio, other.text)


def test_a_change_of_language_with_nothing_to_keep_is_the_plain_page(studio: Studio) -> None:
    reply = language(studio, "es")
    assert reply.status == 303 and reply.headers["location"] == "/batch?ui=es"
    alone = language(studio, "es", files=[("roster", "people.csv", ROSTER)])  # no settings yet
    assert alone.status == 422 and "Envíe un manifiesto guardado con la lista" in alone.text
    page = check(studio, ROSTER, base=from_settings(studio)).text
    tampered = language(studio, "es", page.replace(hidden(page, "kept"), "../base.yaml"))
    assert tampered.status == 400 and "ya no están en el estudio" in tampered.text
    assert language(studio, "es", page, csrf="").status == 403


def test_an_upload_of_the_wrong_kind_is_refused(studio: Studio) -> None:
    reply = check(studio, b"%PDF-1.7", "roster.pdf", base=from_settings(studio))
    assert reply.status == 422 and "roster.pdf: this is not a roster" in reply.text
    assert '<p class="detail" lang="en">' in reply.text  # the tool's own words, in English


@pytest.mark.parametrize("tampered", ["../../etc/passwd", "/etc/passwd", "0" * 32, "ABC"])
def test_tampered_names_are_refused(studio: Studio, tampered: str) -> None:
    assert check(studio, ROSTER, base=tampered).status == 400
    page = check(studio, ROSTER, base=from_settings(studio)).text
    fields = {"csrf": studio.csrf(), "action": "build", "base": hidden(page, "base")}
    assert post(studio, "/batch", {**fields, "roster": tampered}).status == 400
    assert post(studio, "/batch", {**fields, "roster": "../base.yaml"}).status == 400
    for path in (f"/batch/{urllib.parse.quote(tampered, safe='')}/progress",
                 f"/batch/{'0' * 32}/zip", "/batch/..%2F..%2Fetc%2Fpasswd/zip"):  # fmt: skip
        assert studio.request(path).status == 404, path


def test_every_post_needs_the_csrf_token(studio: Studio) -> None:
    base = from_settings(studio)
    assert check(studio, ROSTER, base=base, csrf="").status == 403
    assert studio.upload("/batch", {"action": "check", "base": base}, [("roster", "r.csv", ROSTER)],
                         csrf="0" * 64).status == 403  # fmt: skip
    assert post(studio, "/batch", {"action": "settings", **SETTINGS}).status == 403
    assert post(studio, f"/batch/{'0' * 32}", {"action": "stop"}).status == 403


def test_the_page_in_chromium(studio: Studio, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    SHOTS.mkdir(exist_ok=True)
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER + "".join(f"Person {i},Kin {i},,\n" for i in range(60)).encode())
    manifest = tmp_path / "base.yaml"
    manifest.write_text(yaml.safe_dump({"workbook": 1, "worksheets": ["i-statements"]}))
    browser.get(f"http://127.0.0.1:{studio.port}/batch?token={TOKEN}")
    check_page(browser)
    shots(browser, "start")
    junk = tmp_path / "photo.csv"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    browser.find_element(By.ID, "manifest").send_keys(str(manifest))
    browser.find_element(By.ID, "roster").send_keys(str(junk))
    browser.find_element(By.CSS_SELECTOR, "button[value=check]").click()
    alert = WebDriverWait(browser, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[role=alert]")
    )
    assert "photo.csv is not a roster" in alert[0].text
    assert "Using the manifest base.yaml" in browser.find_element(By.CSS_SELECTOR, ".settings").text
    check_page(browser)
    shots(browser, "refused")
    browser.find_element(By.ID, "manifest").send_keys(str(manifest))
    browser.find_element(By.ID, "roster").send_keys(str(roster))
    browser.find_element(By.CSS_SELECTOR, "button[value=check]").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.bad-rows"))
    check_page(browser)
    shots(browser, "check")
    build_button = browser.find_element(By.CSS_SELECTOR, "button[value=build]")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    for _ in range(30):  # by keyboard alone: Tab to the button, Enter presses it
        if browser.switch_to.active_element == build_button:
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element == build_button
    build_button.send_keys(Keys.ENTER)
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "batch-progress"))
    bar = browser.find_element(By.ID, "batch-progress")
    assert bar.get_attribute("max") == "62"
    box = browser.find_element(By.ID, "batch-job")
    assert box.get_attribute("data-finished") == "false"  # the script, not the server, ends it
    seen = {bar.get_attribute("value")}
    shots(browser, "running")
    ready = browser.find_element(By.ID, "batch-ready")

    said = set()

    def ended(driver: Any) -> bool:
        seen.add(bar.get_attribute("value"))
        said.add(browser.find_element(By.ID, "batch-status").text)
        return bool(ready.is_displayed())

    WebDriverWait(browser, 240).until(ended)
    seen.add(bar.get_attribute("value"))  # the last poll may have seen the end at once
    assert bar.get_attribute("value") == "62" and len(seen) > 2, seen  # 0, some, 62
    estimate = re.compile(r"\d+ of 62 built, \d+\.\d a second, about \d+ (seconds|minutes) left")
    assert any(estimate.fullmatch(text) for text in said), said
    status = browser.find_element(By.ID, "batch-status").text
    assert status == "Finished: 62 of 62 built, 0 failed.", status
    assert not browser.find_element(By.ID, "batch-controls").is_displayed()
    check_page(browser)
    browser.refresh()
    check_page(browser)
    shots(browser, "finished")


def test_in_chromium_a_change_of_language_keeps_the_check(
    studio: Studio, browser: Any, tmp_path: Path
) -> None:
    """The page's language switch (by keyboard) shows the same check in the other language;
    a roster chosen and not yet checked goes with it."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    SHOTS.mkdir(exist_ok=True)
    roster, other = tmp_path / "roster.csv", tmp_path / "people.csv"
    roster.write_bytes(ROSTER)
    other.write_bytes((HEADER + "Eve Moss,Ray,,\n").encode())
    manifest = tmp_path / "base.yaml"
    manifest.write_text(yaml.safe_dump({"workbook": 1, "worksheets": ["i-statements"]}))
    set_width(browser, 1280)
    browser.get(f"http://127.0.0.1:{studio.port}/batch?token={TOKEN}&ui=en")
    browser.find_element(By.ID, "manifest").send_keys(str(manifest))
    browser.find_element(By.ID, "roster").send_keys(str(roster))
    browser.find_element(By.CSS_SELECTOR, "button[value=check]").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.bad-rows"))
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "table.bad-rows tbody th")]

    def switch(to: str) -> None:
        Select(browser.find_element(By.ID, "ui")).select_by_value(to)
        browser.find_element(By.CSS_SELECTOR, "button[value=language]").send_keys(Keys.ENTER)
        WebDriverWait(browser, 60, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == to
        )  # the old page's element goes stale as the new page comes

    switch("es")
    found = browser.find_element(By.CSS_SELECTOR, ".found").text
    assert "roster.csv: 4 filas." in found and "2 filas están bien." in found, found
    assert [
        r.text for r in browser.find_elements(By.CSS_SELECTOR, "table.bad-rows tbody th")
    ] == rows
    settings = browser.find_element(By.CSS_SELECTOR, "p.settings").text
    assert settings == "Con el manifiesto base.yaml y estas hojas de trabajo: i-statements."
    assert browser.find_element(By.CSS_SELECTOR, "button[value=build]").text == (
        "Crear los cuadernos de las 2 filas correctas")  # fmt: skip
    check_page(browser)
    shots(browser, "language-es")
    browser.find_element(By.ID, "roster").send_keys(str(other))  # chosen, not checked
    switch("en")
    found = browser.find_element(By.CSS_SELECTOR, ".found").text
    assert "people.csv: 1 row." in found and "1 row is fine." in found, found
    assert (
        "Using the manifest base.yaml" in browser.find_element(By.CSS_SELECTOR, "p.settings").text
    )
    check_page(browser)


def shots(driver: Any, name: str) -> None:
    """The whole page at a phone's and a desktop's width, to look at; and no sideways
    scrolling at 320 px (1280 px at 400% zoom)."""
    set_width(driver, 320)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 320
    for width in (360, 1280):
        set_width(driver, width)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": min(height, 4000), "deviceScaleFactor": 1,
                                "mobile": width < 600})  # fmt: skip
        driver.save_screenshot(str(SHOTS / f"{name}-{width}.png"))
    set_width(driver, 1280)


def test_in_chromium_the_workbook_pages_settings_open_the_batch_page(
    studio: Studio, browser: Any
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    set_width(browser, 1280)
    browser.get(f"http://127.0.0.1:{studio.port}/?token={TOKEN}&ui=en")
    for sheet in ("boundary-planning", "i-statements"):
        box = browser.find_element(By.ID, f"ws-{sheet}")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        box.click()
    button = browser.find_element(By.CSS_SELECTOR, "button[value=settings]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    WebDriverWait(browser, 60).until(lambda d: d.current_url.endswith("/batch"))
    settings = browser.find_element(By.CSS_SELECTOR, "p.settings").text
    assert settings.endswith("these worksheets: boundary-planning, i-statements."), settings
    assert browser.find_element(By.NAME, "base").get_attribute("value")
    check_page(browser)
