"""The web edition (build --format html): the page as parsed HTML, then in a real headless
Chromium (Selenium): answers typed, kept over a reload, downloaded and built back in;
axe-core finds no serious or critical problem; the page makes no request."""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import manifest, tool, write_yaml
from workbook.build import build
from workbook.library import builtin_dir
from workbook.project import BuildOptions

WEB = Path(__file__).parent / "web"
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
DOCS = Path(__file__).parent.parent / "docs"
PHONE = (390, 844)


def builtin_ids(language: str) -> list[str]:
    """Every built-in worksheet in a language (all ten)."""
    return sorted(p.stem for p in (builtin_dir() / language).glob("*.yaml"))


class Page(HTMLParser):
    """Every element with its attributes, in order; the text of each label, legend, h1."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.open: list[tuple[str, dict[str, str], list[str]]] = []
        self.texts: list[tuple[str, dict[str, str], str]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.elements.append((tag, found))
        if tag not in {"input", "meta", "img", "br", "link"}:
            self.open.append((tag, found, []))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            name, attrs, text = self.open.pop()
            self.texts.append((name, attrs, "".join(text)))
            if self.open:
                self.open[-1][2].append("".join(text))
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][2].append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag]

    def text_of(self, tag: str) -> list[str]:
        return [" ".join(t.split()) for name, _, t in self.texts if name == tag]


def build_html(tmp_path: Path, name: str = "book.html", **fields: Any) -> Path:
    path = write_yaml(tmp_path / "manifest.yaml", manifest(format="html", **fields))
    result = build(BuildOptions(manifest=path, output=tmp_path / name))
    assert result.path is not None
    return result.path


def test_page_is_self_contained_and_forbids_requests(tmp_path: Path) -> None:
    text = build_html(tmp_path).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    page = Page(text)
    metas = {m.get("http-equiv") or m.get("name"): m.get("content", "") for m in page.all("meta")}
    csp = metas["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "img-src data:" in csp
    assert "connect-src" not in csp and "http" not in csp
    assert metas["generator"].startswith("workbook ")
    assert not page.all("link")
    for tag, attrs in page.elements:
        for attr in ("src", "href", "action"):
            value = attrs.get(attr, "")
            assert not value.startswith(("http:", "https:", "//")), (tag, attrs)
    assert all(s.get("type") == "application/json" or not s.get("src") for s in page.all("script"))


def test_structure_labels_and_names(tmp_path: Path) -> None:
    page = Page(build_html(tmp_path, edition="facilitator").read_text(encoding="utf-8"))
    assert page.all("html")[0]["lang"] == "en"
    h1 = page.text_of("h1")
    for title in ("Answering objections", "I", "boundar", "therapist"):
        assert any(title.lower() in h.lower() for h in h1), title
    sections = [a for a in page.all("section") if "worksheet" in a.get("class", "")]
    assert len(sections) == 4
    ids = {a["id"] for a in page.all("section") if "id" in a}
    for link in page.all("a"):
        if link.get("href", "").startswith("#"):
            assert link["href"][1:] in ids | {"contents"}, link
    assert all(th.get("scope") == "col" for th in page.all("th"))
    labels = {a["for"] for a in page.all("label") if "for" in a}
    inputs = page.all("input") + page.all("textarea")
    for field in inputs:
        assert field.get("name"), field
        if field.get("type") == "radio":
            continue  # inside its <label>
        assert field.get("aria-label") or field.get("id") in labels, field
    names = {f["name"] for f in inputs}
    assert "i-statements.fill_in.1.blank1" in names
    assert "boundary-planning.scale.1" in names
    assert "therapist-matching.checklist.1.item1" in names
    assert any(n.startswith("objection-handling.table.1.r") for n in names)
    assert "_crisis.contacts.r1c1" in names or "_crisis.contacts.r2c1" in names
    assert page.all("fieldset") and page.text_of("legend")
    assert "Notes for the facilitator" in " ".join(page.text_of("strong"))
    lines = [t for t in page.all("textarea") if ".lines." in t["name"]]
    assert lines and all(int(t["rows"]) >= 3 for t in lines)


def test_personal_values_are_escaped(tmp_path: Path) -> None:
    text = build_html(tmp_path, recipient={"name": "Tom & Jerry <3"},
                      loved_one={"name": "<b>Alex</b>", "relationship": "partner"}).read_text()  # fmt: skip
    assert "<b>Alex</b>" not in text and "&lt;b&gt;Alex&lt;/b&gt;" in text
    assert "Tom &amp; Jerry &lt;3" in text


def test_fallback_worksheet_says_its_language(tmp_path: Path) -> None:
    sheet = {"worksheet": 1, "id": "only-english", "language": "en", "title": "Only English",
             "audience": "any", "summary": "A test.", "minutes": 5,
             "blocks": [{"type": "lines", "label": "Write", "count": 3}]}  # fmt: skip
    write_yaml(tmp_path / "mine" / "only-english.yaml", sheet)
    path = build_html(tmp_path, language="es", worksheets=["i-statements", "only-english"],
                      worksheets_dirs=["mine"])  # fmt: skip
    page = Page(path.read_text(encoding="utf-8"))
    assert page.all("html")[0]["lang"] == "es"
    section = next(a for a in page.all("section") if a.get("id") == "ws-only-english")
    assert section.get("lang") == "en"


def test_answers_given_are_in_place(tmp_path: Path) -> None:
    answers = {"i-statements.fill_in.1.blank1": "tired & <sad>", "boundary-planning.scale.1": 3,
               "therapist-matching.checklist.1.item2": True,
               "i-statements.lines.1": "first\nsecond"}  # fmt: skip
    page = Page(build_html(tmp_path, answers=answers).read_text(encoding="utf-8"))
    by_name = {a["name"]: a for a in page.all("input") if a.get("type") != "radio"}
    assert by_name["i-statements.fill_in.1.blank1"]["value"] == "tired & <sad>"
    assert "checked" in by_name["therapist-matching.checklist.1.item2"]
    radios = [a for a in page.all("input") if a.get("name") == "boundary-planning.scale.1"]
    assert [a["value"] for a in radios if "checked" in a] == ["3"]
    texts = {a.get("name"): t for n, a, t in page.texts if n == "textarea"}
    assert texts["i-statements.lines.1"] == "first\nsecond"


def test_cli_format_and_guard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from workbook.cli import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        app, ["build", "-w", "i-statements", "--name", "Sam", "--format", "html"]
    )
    assert result.exit_code == 0, result.output
    written = tmp_path / "output" / "my-workbook-sam.html"
    assert written.is_file()
    again = runner.invoke(app, ["build", "-w", "i-statements", "--name", "Sam", "--format", "html"])
    assert again.exit_code == 0, again.output  # its own file: replaced
    (tmp_path / "other.html").write_text("<p>mine</p>")
    refused = runner.invoke(app, ["build", "-w", "i-statements", "--format", "html",
                                  "-o", "other.html"])  # fmt: skip
    assert refused.exit_code == 1 and "not a web workbook that workbook wrote" in refused.output
    assert (tmp_path / "other.html").read_text() == "<p>mine</p>"


def test_a_batch_writes_one_web_workbook_per_row(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from workbook.cli import app

    data = manifest(worksheets=["i-statements"], format="html")
    roster = tmp_path / "roster.csv"
    roster.write_text("recipient.name,language\nAna,es\nBo,en\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["batch", str(roster), "-m", str(write_yaml(tmp_path / "m.yaml", data)), "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    pages = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    assert len(pages) == 2 and not list(out.glob("*.pdf"))
    assert sorted('lang="es"' in page for page in pages.values()) == [False, True]
    assert any("Ana" in page for page in pages.values()) and any(
        "Bo" in page for page in pages.values()
    )


# -- in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium at a phone's size, with a fresh profile (no network, no updates)."""
    binary = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else tool("chromium")
    driver_path = tool("chromedriver")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tmp_path_factory.mktemp("chromium-profile")
    downloads = tmp_path_factory.mktemp("downloads")
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", f"--window-size={PHONE[0]},{PHONE[1]}"):  # fmt: skip
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})  # fmt: skip
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def _phone(driver: Any) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1,
                            "mobile": True})  # fmt: skip


def _field(driver: Any, name: str, value: str | None = None) -> Any:
    from selenium.webdriver.common.by import By

    css = f'[name="{name}"]' + (f'[value="{value}"]' if value is not None else "")
    return driver.find_element(By.CSS_SELECTOR, css)


def _click(driver: Any, element: Any) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def _answer(driver: Any, typed: dict[str, str], ticked: str, scale: str) -> None:
    """Type each text, tick one box, choose 7 on one scale, as a person would."""
    for name, text in typed.items():
        element = _field(driver, name)
        _click(driver, element)
        element.send_keys(text)
    _click(driver, _field(driver, ticked))
    _click(driver, _field(driver, scale, "7"))


def test_answers_survive_a_reload_and_build_back(browser: Any, tmp_path: Path) -> None:
    page = build_html(tmp_path)
    _phone(browser)
    browser.get(page.as_uri())
    assert browser.execute_script("return document.getElementById('wb-tools').hidden") is False
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"the page is {width} px wide on a {PHONE[0]} px phone"
    typed = {"i-statements.lines.1": "It went better\nthan I feared",
             "i-statements.fill_in.1.blank1": "worried",
             "objection-handling.table.1.r10c2": "I hear you"}  # fmt: skip
    _answer(browser, typed, "therapist-matching.checklist.1.item2", "boundary-planning.scale.1")
    status = browser.find_element("id", "wb-status").text
    assert status == "Saved on this device"
    browser.refresh()
    for name, text in typed.items():
        assert _field(browser, name).get_attribute("value") == text
    assert _field(browser, "therapist-matching.checklist.1.item2").is_selected()
    assert _field(browser, "boundary-planning.scale.1", "7").is_selected()
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0

    answers = browser.execute_script("return window.workbookAnswers()")
    assert answers["workbook_answers"] == 1 and answers["recipient"] == "Sam Rivera"
    saved = write_yaml(tmp_path / "answers.json", json.dumps(answers))
    result = build(BuildOptions(manifest=tmp_path / "manifest.yaml", output=tmp_path / "filled.pdf",
                                answers=saved, overrides={"format": "pdf", "fillable": True}))  # fmt: skip
    assert result.path is not None
    fields = PdfReader(result.path).get_fields() or {}
    assert fields["i-statements.fill_in.1.blank1"]["/V"] == "worried"
    assert fields["i-statements.lines.1.2"]["/V"] == "than I feared"
    assert fields["objection-handling.table.1.r10c2"]["/V"] == "I hear you"
    assert fields["boundary-planning.scale.1"]["/V"] == "/7"
    assert fields["therapist-matching.checklist.1.item2"]["/V"] not in (None, "/Off")


def test_download_button_writes_the_json(browser: Any, tmp_path: Path) -> None:
    page = build_html(tmp_path, "download.html")
    browser.get(page.as_uri())
    browser.execute_script("localStorage.clear()")
    browser.refresh()
    element = _field(browser, "i-statements.fill_in.1.blank1")
    _click(browser, element)
    element.send_keys("hopeful")
    _click(browser, browser.find_element("id", "wb-download"))
    target = browser.downloads / "download.answers.json"
    for _ in range(50):
        if target.is_file() and target.stat().st_size:
            break
        browser.execute_script("return 1")  # a round trip while the download lands
    data = json.loads(target.read_text(encoding="utf-8"))
    values = {f["name"]: f["value"] for s in data["worksheets"] for b in s["blocks"]
              for f in b["fields"]}  # fmt: skip
    assert values["i-statements.fill_in.1.blank1"] == "hopeful"


def test_clear_asks_first_and_puts_back_the_built_answers(browser: Any, tmp_path: Path) -> None:
    """Clearing asks first, then gives back the workbook as it was built: its pre-filled
    answers in place (not empty), nothing typed since, nothing kept on the device."""
    built = {"i-statements.fill_in.1.blank1": "worried", "i-statements.lines.1": "one\ntwo",
             "i-statements.table.1.r6c1": "You never listen"}  # fmt: skip
    page = build_html(tmp_path, "clear.html", worksheets=["i-statements", "boundary-planning"],
                      answers=built | {"boundary-planning.scale.1": 3,
                                       "boundary-planning.checklist.1.item1": True})  # fmt: skip
    browser.get(page.as_uri())
    browser.execute_script("localStorage.clear()")
    browser.refresh()
    element = _field(browser, "i-statements.fill_in.1.blank1")
    _click(browser, element)
    element.send_keys(" and keep me")
    for name in built:
        if name != "i-statements.fill_in.1.blank1":
            _click(browser, _field(browser, name))
            _field(browser, name).send_keys(" more")
    _click(browser, _field(browser, "i-statements.fill_in.2.blank1"))
    _field(browser, "i-statements.fill_in.2.blank1").send_keys("new")
    _click(browser, _field(browser, "boundary-planning.scale.1", "9"))
    _click(browser, _field(browser, "boundary-planning.checklist.1.item1"))
    _click(browser, _field(browser, "boundary-planning.checklist.1.item2"))
    browser.execute_script("window.confirm = function () { return false; }")
    _click(browser, browser.find_element("id", "wb-clear"))
    assert element.get_attribute("value") == "worried and keep me"

    browser.execute_script("window.confirm = function () { return true; }")
    _click(browser, browser.find_element("id", "wb-clear"))

    def as_built() -> None:
        for name, text in built.items():
            assert _field(browser, name).get_attribute("value") == text, name
        assert _field(browser, "i-statements.fill_in.2.blank1").get_attribute("value") == ""
        assert _field(browser, "boundary-planning.scale.1", "3").is_selected()
        assert not _field(browser, "boundary-planning.scale.1", "9").is_selected()
        assert _field(browser, "boundary-planning.checklist.1.item1").is_selected()
        assert not _field(browser, "boundary-planning.checklist.1.item2").is_selected()

    as_built()
    assert "as it was sent" in browser.find_element("id", "wb-status").text
    assert browser.execute_script("return localStorage.length") == 0
    browser.refresh()
    as_built()


def _axe(browser: Any) -> list[dict[str, Any]]:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed in tests/web; .ci/web installs it")
        pytest.skip("axe-core is not installed: run `npm ci` in tests/web")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r.violations); },"
        " function (e) { done([{id: 'axe-error', impact: 'critical', description: String(e)}]); });"
    )
    return [v for v in result if v.get("impact") in ("serious", "critical")]


@pytest.mark.parametrize("language", ["en", "es"])
def test_axe_finds_nothing_serious(browser: Any, tmp_path: Path, language: str) -> None:
    page = build_html(tmp_path, f"all-{language}.html", language=language,
                      worksheets=builtin_ids(language), edition="facilitator",
                      prepared_by={"name": "Jordan Lee", "practice": "Harbor Counseling",
                                   "contact": "(555) 010-0100"})  # fmt: skip
    browser.set_script_timeout(120)
    for width in (PHONE[0], 1280):
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": width, "height": 900, "deviceScaleFactor": 1,
                                 "mobile": width < 600})  # fmt: skip
        browser.get(page.as_uri())
        problems = _axe(browser)
        assert not problems, json.dumps(
            [{k: v[k] for k in ("id", "impact", "help")} | {"where": [n["target"] for n in v["nodes"][:3]]}
             for v in problems], indent=1)  # fmt: skip
        wide = browser.execute_script("return document.documentElement.scrollWidth")
        assert wide <= width, f"{wide} px wide at {width} px"


def test_text_zoom_200_percent_fits_a_phone(browser: Any, tmp_path: Path) -> None:
    page = build_html(tmp_path, "zoom.html", worksheets=builtin_ids("en"))
    _phone(browser)
    browser.get(page.as_uri())
    browser.execute_script("document.documentElement.style.fontSize = '200%'")
    wide = browser.execute_script("return document.documentElement.scrollWidth")
    assert wide <= PHONE[0] * 1.02, f"{wide} px wide at 200% text"


def test_phone_screenshots(browser: Any, tmp_path: Path) -> None:
    """Screenshots of a phone's view, for people to look at (WORKBOOK_SCREENSHOTS=dir keeps
    every worksheet's); docs/web-phone.png is the README's."""
    keep = os.environ.get("WORKBOOK_SCREENSHOTS")
    page = build_html(tmp_path, "shots.html", worksheets=builtin_ids("en"),
                      prepared_by={"name": "Jordan Lee", "practice": "Harbor Counseling"})  # fmt: skip
    _phone(browser)
    browser.get(page.as_uri())
    shots = Path(keep) if keep else tmp_path / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    for sheet in builtin_ids("en"):  # the whole worksheet, however long
        box = browser.execute_script(
            f"var r = document.getElementById('ws-{sheet}').getBoundingClientRect();"
            "return [r.left, r.top + window.scrollY, r.width, r.height];")  # fmt: skip
        clip = dict(zip(("x", "y", "width", "height"), box, strict=True)) | {"scale": 1}
        shot = browser.execute_cdp_cmd("Page.captureScreenshot",
                                       {"clip": clip, "captureBeyondViewport": True})  # fmt: skip
        (shots / f"{sheet}.png").write_bytes(base64.b64decode(shot["data"]))
    scale = _field(browser, "is-therapy-working.scale.1", "4")
    browser.execute_script("arguments[0].closest('fieldset').scrollIntoView()", scale)
    browser.execute_script("window.scrollBy(0, -250)")
    browser.save_screenshot(str(shots / "readme.png"))
    assert (shots / "readme.png").stat().st_size > 10_000
    if keep or not (DOCS / "web-phone.png").is_file():
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(shots / "readme.png", DOCS / "web-phone.png")


def test_print_to_pdf(browser: Any, tmp_path: Path) -> None:
    """The browser prints it with the answers typed in place (text as text, the tick and
    the chosen number marked) and no buttons."""
    from selenium.webdriver.common.by import By

    page = build_html(tmp_path, "print.html", worksheets=["i-statements", "boundary-planning"],
                      answers={"i-statements.fill_in.2.blank1": "given at build"})  # fmt: skip
    _phone(browser)
    browser.get(page.as_uri())
    browser.execute_script("localStorage.clear()")
    browser.refresh()
    long_line = "a long answer " * 12 + "that ends here"
    typed = {"i-statements.lines.1": "It went better\nthan I feared",
             "i-statements.fill_in.1.blank1": long_line,
             "i-statements.table.1.r6c2": "I felt left out"}  # fmt: skip
    _answer(browser, typed, "boundary-planning.checklist.1.item2", "boundary-planning.scale.1")
    printed = browser.execute_cdp_cmd("Page.printToPDF", {})  # backgrounds off, as people print
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    text = " ".join(tool_text(pdf).split())
    for answer in ("It went better than I feared", long_line, "I felt left out", "given at build"):
        assert answer in text, answer
    assert "✓ I have said at least one boundary out loud" in text
    assert text.count("✓") == 1
    for button in ("Download my answers", "Clear my answers", "Saved on this device"):
        assert button not in text
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        numbers = browser.find_elements(
            By.CSS_SELECTOR, '[name="boundary-planning.scale.1"] + .number'
        )
        fills = [n.value_of_css_property("background-color") for n in numbers]
        adjust = numbers[0].value_of_css_property("print-color-adjust")
        assert adjust == "exact" and len(set(fills)) == 2 and fills.count(fills[7]) == 1
        assert not browser.find_element(By.ID, "wb-tools").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def tool_text(pdf: Path) -> str:
    """The PDF's text as pdftotext reads it (pypdf when poppler is not installed)."""
    if shutil.which("pdftotext"):
        import subprocess

        return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout  # fmt: skip
    return " ".join(p.extract_text() for p in PdfReader(pdf).pages)


@pytest.mark.parametrize("width", [360, 390])
def test_tables_stack_on_a_phone_and_stay_tables(browser: Any, tmp_path: Path, width: int) -> None:
    """A phone shows each row as a card, each cell under its column's name; a screen reader
    still finds a table (Chromium's computed roles); a desktop keeps the grid."""
    from selenium.webdriver.common.by import By

    page = build_html(tmp_path, f"stack-{width}.html", worksheets=builtin_ids("en"))
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": True})  # fmt: skip
    browser.get(page.as_uri())
    for zoom in ("100%", "200%"):
        browser.execute_script(f"document.documentElement.style.fontSize = '{zoom}'")
        wide = browser.execute_script("return document.documentElement.scrollWidth")
        assert wide <= width, f"{wide} px wide at {width} px and {zoom} text"
    browser.execute_script("document.documentElement.style.fontSize = ''")
    table = browser.find_element(By.CSS_SELECTOR, "#ws-is-therapy-working table")
    cell = table.find_element(By.CSS_SELECTOR, "tbody td")
    assert cell.value_of_css_property("display") == "block"
    label = browser.execute_script(
        "return getComputedStyle(arguments[0], '::before').content", cell)  # fmt: skip
    header = table.find_element(By.CSS_SELECTOR, "th").get_attribute("textContent")
    assert header and header in label
    assert (table.aria_role, cell.aria_role) == ("table", "cell")
    assert table.find_element(By.CSS_SELECTOR, "th").aria_role == "columnheader"
    box = _field(browser, "objection-handling.table.1.r10c2")
    inner = browser.execute_script(
        "var r = arguments[0].closest('td').getBoundingClientRect(); return r.width;", box)  # fmt: skip
    assert box.size["width"] >= inner - 24  # the whole card wide
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})  # fmt: skip
    browser.get(page.as_uri())
    cell = browser.find_element(By.CSS_SELECTOR, "#ws-is-therapy-working tbody td")
    assert cell.value_of_css_property("display") == "table-cell"


def test_print_without_javascript_keeps_the_built_answers(browser: Any, tmp_path: Path) -> None:
    """With scripts off the page still prints the answers it was built with, in full."""
    long_line = "a built answer " * 12 + "that ends here"
    page = build_html(tmp_path, "noscript.html", worksheets=["i-statements"],
                      answers={"i-statements.fill_in.1.blank1": long_line,
                               "i-statements.table.1.r6c2": "I felt left out"})  # fmt: skip
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(page.as_uri())
        printed = browser.execute_cdp_cmd("Page.printToPDF", {})
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    text = " ".join(tool_text(pdf).split())
    assert long_line in text and "I felt left out" in text
    assert "Download my answers" not in text
