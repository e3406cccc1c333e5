"""The studio's /answers page through the real server: filled workbooks sent in, their answers
shown under their worksheets, downloads that are `workbook answers`' own bytes, the CLI's
messages for files it cannot read, refs that cannot be tampered with, and a new edition."""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import manifest, write_yaml
from studio_support import PHONE, TOKEN, Reply, Studio, check_page, set_width
from test_answers import VALUES, fill_pypdf, workbook
from workbook.answers.given import load_given
from workbook.answers.model import read_answers
from workbook.build import build
from workbook.project import BuildOptions
from workbook.studio.answers import given_ref, sheets_and_language
from workbook.studio.app import Studio as Context
from workbook.studio.interface import WORDS

SHOTS = Path("/tmp/shots-answers")
ANSWER_WORDS = WORDS / "answers.yaml"


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A blank fillable workbook, the same filled with pypdf, a print edition, a locked one."""
    folder = tmp_path_factory.mktemp("answers-books")
    blank = workbook(folder, "blank")
    filled = fill_pypdf(blank, folder / "filled.pdf", VALUES)
    printed = write_yaml(folder / "print.yaml", manifest(worksheets=["i-statements"]))
    print_pdf = build(BuildOptions(manifest=printed, output=folder / "print.pdf")).path
    locked = build(BuildOptions(manifest=printed, output=folder / "locked.pdf", password="s3cret",
                                overrides={"fillable": True})).path  # fmt: skip
    return {"blank": blank, "filled": filled, "print": print_pdf, "locked": locked}


def send(studio: Studio, files: list[tuple[str, bytes]], **fields: Any) -> Reply:
    return studio.upload("/answers", {"ui": "en", **fields},
                         [("workbooks", name, data) for name, data in files])  # fmt: skip


def ref_of(page: str) -> str:
    found = re.search(r'name="ref" value="([0-9a-f]{32})"', page)
    assert found, page[-3000:]
    return found.group(1)


def fetch(studio: Studio, ref: str, kind: str, csrf: str | None = None) -> Reply:
    pairs = {"csrf": studio.csrf() if csrf is None else csrf, "ui": "en", "ref": ref,
             "format": kind}  # fmt: skip
    return studio.request("/answers/download", urllib.parse.urlencode(pairs).encode())


def cli_output(cli: Any, folder: Path, names: list[str], kind: str,
               monkeypatch: pytest.MonkeyPatch) -> bytes:  # fmt: skip
    """What `workbook answers NAMES --json|--csv -o FILE` writes, run where the files are."""
    monkeypatch.chdir(folder)
    done = cli("answers", *names, f"--{kind}", "-o", f"out.{kind}")
    assert done.exit_code == 0, done.output
    return (folder / f"out.{kind}").read_bytes()


def cli_message(cli: Any, path: Path, *args: str) -> str:
    """The message `workbook answers` gives for a file it cannot read (after `path: error: `)."""
    done = cli("answers", path, *args, env={"WORKBOOK_PASSWORD": ""})
    assert done.exit_code == 1
    return done.output.split(f"{path}: error: ", 1)[1].strip()


def scratch_file(studio: Studio, *parts: str) -> list[Path]:
    """Files in this studio's scratch folder."""
    assert studio.scratch is not None
    return sorted(studio.scratch.glob(str(Path(*parts))))


# -- the page and what it shows ------------------------------------------------------------


def test_the_page_asks_for_files_and_an_optional_password(studio: Studio) -> None:
    english, spanish = studio.request("/answers?ui=en").text, studio.request("/answers?ui=es").text
    assert english.count("<h1>") == 1 and '<a href="/answers?ui=en" aria-current="page">' in english
    assert 'enctype="multipart/form-data"' in english and 'name="csrf"' in english
    assert re.search(r'<label for="workbooks">[^<]+</label>\s*<input type="file" id="workbooks" '
                     r'name="workbooks" multiple accept="\.pdf', english)  # fmt: skip
    assert '<input type="password" id="password" name="password" autocomplete="off"' in english
    assert '<link rel="stylesheet" href="/static/answers.css">' in english
    assert '<html lang="es">' in spanish and "Abrir cuadernos rellenados" in spanish
    css = studio.request("/static/answers.css")
    assert css.status == 200 and "http" not in css.text and "var(--accent)" in css.text


def test_a_filled_workbook_shows_its_answers_under_its_worksheets(
    studio: Studio, books: dict[str, Path]
) -> None:
    reply = send(studio, [("filled.pdf", books["filled"].read_bytes())])
    assert reply.status == 200, reply.text[-3000:]
    page = html.unescape(reply.text)
    assert '<h2 id="book-1">filled.pdf</h2>' in page and "Sam Rivera" in page
    assert "Opening the door" in page and 'role="alert"' not in page
    read = read_answers(books["filled"])
    parts = re.split(r"<h3[^>]*>", page)[1:]
    assert len(parts) == len(read.worksheets)
    by_sheet = {s.id: p for s, p in zip(read.worksheets, parts, strict=True)}
    for sheet, part in zip(read.worksheets, parts, strict=True):
        assert part.startswith(f"{sheet.title}</h3>")
    statements, boundaries = by_sheet["i-statements"], by_sheet["boundary-planning"]
    for shown in (
        "hurt é ñ",
        "Дмитрий",
        "Nguyễn called,\n\nand we talked.",
        "first line\nsecond line",
    ):
        assert f'<span class="text">{shown}</span>' in statements, shown
    assert '<span class="text">7</span>' in boundaries
    checklist = next(b for b in read.worksheets[1].blocks if b.type == "checklist")
    ticked = checklist.answers[1].question
    assert f'<dt lang="en">{ticked}</dt>\n    <dd><span class="text">Yes</span></dd>' in boundaries
    assert "Ana Muñoz" in by_sheet["_crisis"]
    assert 'lang="en">' in statements and "No answer" in statements
    spanish = send(studio, [("filled.pdf", books["filled"].read_bytes())], ui="es").text
    assert '<span class="text">Sí</span>' in spanish and "Sin respuesta" in spanish


def test_an_empty_workbook_says_no_answers_yet(studio: Studio, books: dict[str, Path]) -> None:
    page = send(studio, [("blank.pdf", books["blank"].read_bytes())]).text
    assert "No answers yet" in page and "<h3" not in page


def test_downloads_are_the_cli_output_for_the_same_files(
    studio: Studio, books: dict[str, Path], cli: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    for name in ("filled", "blank"):
        shutil.copy(books[name], tmp_path / f"{name}.pdf")
    for names in (["filled.pdf"], ["filled.pdf", "blank.pdf"]):  # one file, and two at once
        sent = [(n, (tmp_path / n).read_bytes()) for n in names]
        ref = ref_of(send(studio, sent).text)
        for kind in ("json", "csv"):
            reply = fetch(studio, ref, kind)
            assert reply.status == 200
            assert reply.headers["content-disposition"] == f'attachment; filename="answers.{kind}"'
            assert reply.body == cli_output(cli, tmp_path, names, kind, monkeypatch), (names, kind)
    data = json.loads(fetch(studio, ref, "json").body)
    assert [d["file"] for d in data] == ["filled.pdf", "blank.pdf"]  # their own names, no path


def test_files_that_cannot_be_read_give_the_clis_message(
    studio: Studio, books: dict[str, Path], cli: Any, tmp_path: Path
) -> None:
    data = books["blank"].read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 2])
    cases = {
        "my print.pdf": books["print"],
        "cut.pdf": tmp_path / "cut.pdf",
        "locked.pdf": books["locked"],
    }
    for name, path in cases.items():
        reply = send(studio, [(name, path.read_bytes())])
        assert reply.status == 422 and 'role="alert"' in reply.text
        assert f"<li>{name}: {cli_message(cli, path)}</li>" in html.unescape(reply.text), name
    wrong = send(studio, [("locked.pdf", books["locked"].read_bytes())], password="nope")
    expected = cli_message(cli, books["locked"], "--password", "nope")
    assert f"locked.pdf: {expected}" in html.unescape(wrong.text) and "nope" not in wrong.text
    assert '<a href="#password">Type the workbook' in wrong.text
    right = send(studio, [("locked.pdf", books["locked"].read_bytes())], password="s3cret")
    assert right.status == 200 and "locked.pdf</h2>" in right.text and "s3cret" not in right.text
    notes = send(studio, [("notes.pdf", b"hello"), ("filled.pdf", books["filled"].read_bytes())])
    assert notes.status == 200 and "<li>notes.pdf: this is not a PDF file</li>" in notes.text
    assert "filled.pdf</h2>" in notes.text  # the good file of the two is read
    assert studio.request("/answers").status == 200  # and the server keeps serving


def test_nothing_sent_is_a_message_and_no_file_is_left_behind(
    studio: Studio, books: dict[str, Path]
) -> None:
    reply = send(studio, [])
    assert reply.status == 422 and "Choose at least one PDF file." in reply.text
    send(studio, [("filled.pdf", books["filled"].read_bytes())])
    assert scratch_file(studio, "answers-read", "*", "*.json")
    assert not scratch_file(studio, "**", "*.pdf")  # read, then deleted


def test_a_tampered_ref_or_a_missing_csrf_is_refused(
    studio: Studio, books: dict[str, Path]
) -> None:
    ref = ref_of(send(studio, [("filled.pdf", books["filled"].read_bytes())]).text)
    for bad in ("../answers-read/" + ref, ref[:-1], ref + "0", ref.upper(), "0" * 32, "", "..%2f"):
        reply = fetch(studio, bad, "json")
        assert reply.status == 404 and "These answers are no longer here" in reply.text, bad
    assert fetch(studio, ref, "../answers.json").status == 404
    assert fetch(studio, ref, "json", csrf="").status == 403
    files = [("workbooks", "filled.pdf", books["filled"].read_bytes())]
    assert studio.upload("/answers", {}, files, csrf="").status == 403
    assert studio.upload("/answers", {}, files, csrf="0" * 64).status == 403


def test_answers_never_reach_the_logs(
    studio: Studio, books: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        send(studio, [("Sam Rivera.pdf", books["filled"].read_bytes())], password="s3cret")
    for secret in ("Дмитрий", "Muñoz", "Sam Rivera", "s3cret"):
        assert secret not in caplog.text


# -- a new edition with the answers ----------------------------------------------------------


def test_a_new_edition_ref_holds_answers_the_build_reads(
    studio: Studio, books: dict[str, Path]
) -> None:
    page = send(studio, [("filled.pdf", books["filled"].read_bytes())], ui="es").text
    found = re.search(r'<a class="button" href="/\?answers=([0-9a-f]{16})&amp;ui=es"', page)
    assert found and "Hacer una nueva edición con estas respuestas" in page
    [path] = scratch_file(studio, "answers", f"{found.group(1)}.json")
    given = {name: g.value for name, g in load_given(path).items()}
    assert given == VALUES
    assert json.loads(path.read_text(encoding="utf-8"))["file"] == "filled.pdf"
    assert sheets_and_language(path) == (["i-statements", "boundary-planning"], "en")
    assert studio.request(f"/?answers={found.group(1)}&ui=es").status == 200


def test_given_ref_accepts_only_an_existing_ref_of_ours(tmp_path: Path) -> None:
    context = Context(TOKEN, tmp_path / "out", tmp_path / "scratch")
    (tmp_path / "scratch" / "answers").mkdir(parents=True)
    ref = "0123456789abcdef"
    assert given_ref(context, ref) is None  # not written yet
    path = tmp_path / "scratch" / "answers" / f"{ref}.json"
    path.write_text(json.dumps({"workbook_answers": 1, "language": "es", "worksheets": [
        {"id": "i-statements"}, {"id": "boundary-planning"}, {"id": "_crisis"}]}),
        encoding="utf-8")  # fmt: skip
    assert given_ref(context, ref) == path
    (tmp_path / "scratch" / "secret.json").write_text("{}", encoding="utf-8")
    for bad in ("../secret", ref.upper(), ref[:-1], ref + "0", f"{ref}.json", "", None):
        assert given_ref(context, bad) is None, bad
    assert sheets_and_language(path) == (["i-statements", "boundary-planning"], "es")
    path.write_text('{"language": "es-MX", "worksheets": [{"id": "mine"}, "x", {}]}', "utf-8")
    assert sheets_and_language(path) == (["mine"], "es")
    for text in ("not json", "[1, 2]", '{"worksheets": 3, "language": "xx"}'):
        path.write_text(text, encoding="utf-8")
        assert sheets_and_language(path) == ([], None)
    assert sheets_and_language(tmp_path / "missing.json") == ([], None)


# -- in a real browser -----------------------------------------------------------------------


def shot(driver: Any, width: int, name: str) -> None:
    """A screenshot of the whole page at `width` px."""
    set_width(driver, width)
    height = min(int(driver.execute_script("return document.documentElement.scrollHeight")), 8000)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                           "deviceScaleFactor": 1, "mobile": width < 600})  # fmt: skip
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}-{width}.png"))
    set_width(driver, width)


def test_in_chromium_send_a_filled_workbook_and_read_its_answers(
    browser: Any, studio: Studio, books: dict[str, Path]
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as loaded
    from selenium.webdriver.support.ui import WebDriverWait

    set_width(browser, PHONE)
    browser.get(f"http://127.0.0.1:{studio.port}/answers?token={TOKEN}&ui=es")
    check_page(browser)
    shot(browser, PHONE, "empty")
    browser.find_element(By.ID, "workbooks").send_keys(str(books["filled"]))
    button = browser.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    heading = WebDriverWait(browser, 60).until(
        loaded.presence_of_element_located((By.ID, "book-1"))
    )
    assert heading.text == "filled.pdf"
    answers = browser.find_element(By.TAG_NAME, "main").text
    assert "Дмитрий" in answers and "Sam Rivera" in answers and "Sí" in answers
    assert browser.find_elements(By.CSS_SELECTOR, 'a.button[href^="/?answers="]')
    check_page(browser)
    set_width(browser, 640)  # 1280 px at 200% zoom: no sideways scrolling either
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 640
    for width in (PHONE, 1280):
        shot(browser, width, "answers")
    by_keyboard(browser)
    browser.get(f"http://127.0.0.1:{studio.port}/answers?ui=es")  # a locked one, no password
    browser.find_element(By.ID, "workbooks").send_keys(str(books["locked"]))
    browser.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()
    alert = WebDriverWait(browser, 60).until(
        loaded.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]"))
    )
    assert "locked.pdf: " in alert.text and "Escriba la contraseña del cuaderno" in alert.text
    check_page(browser)
    shot(browser, PHONE, "refused")


def by_keyboard(browser: Any) -> None:
    """Tab to the new edition's link (it shows its focus), and Enter opens the workbook page."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as loaded
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_script("document.activeElement.blur(); window.scrollTo(0, 0);")
    focused = ""
    for _ in range(40):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        focused = browser.execute_script("return document.activeElement.className")
        if focused == "button":
            break
    assert focused == "button", "the new edition's link is not reachable by keyboard"
    outline = browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, 30).until(loaded.url_contains("/?answers="))
    assert re.search(r"/\?answers=[0-9a-f]{16}&ui=es$", browser.current_url)


def test_the_pages_words_are_in_both_languages_under_their_own_prefix() -> None:
    words = yaml.safe_load(ANSWER_WORDS.read_text(encoding="utf-8"))
    assert set(words) == {"en", "es"} and set(words["en"]) == set(words["es"])
    assert all(key.startswith("answers_") for key in words["en"])
