"""`workbook studio`: the real server on a free port, driven over HTTP (urllib): the guard
(token, Host header, CSRF, size), the page in two languages, errors next to their field,
preview, and downloads that are the CLI's own bytes."""

from __future__ import annotations

import http.client
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from studio_support import PHONE, THREE, TOKEN, Studio, check_page, set_width
from workbook.studio.security import MAX_BODY

SHOTS = Path("/tmp/shots-studio")
SPANISH = {"worksheets": THREE, "recipient": "Ana", "loved_one": "Luis",
           "relationship": "parent", "language": "es", "region": "MX", "theme": "default",
           "page_size": "letter", "edition": "client", "ui": "es", "crisis_page": "on"}  # fmt: skip


def test_without_the_token_everything_is_refused(studio: Studio) -> None:
    for path in ("/", "/static/studio.css", "/?token=wrong"):
        assert studio.request(path, cookie=False).status == 403
    assert studio.request(headers={"Cookie": "workbook_studio=wrong"}, cookie=False).status == 403
    assert studio.request("/", b"action=preview", cookie=False).status == 403


def test_the_token_sets_a_strict_cookie_and_leaves_the_address(studio: Studio) -> None:
    reply = studio.request(f"/?token={TOKEN}&ui=es", cookie=False)
    assert reply.status == 303 and reply.headers["location"] == "/?ui=es"
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"workbook_studio={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_a_foreign_host_is_refused_even_with_the_token(studio: Studio) -> None:
    for host in (f"evil.example:{studio.port}", "127.0.0.1:1", f"127.0.0.1.nip.io:{studio.port}"):
        assert studio.request(f"/?token={TOKEN}", headers={"Host": host}).status == 400
    assert studio.request(headers={"Host": f"localhost:{studio.port}"}).status == 200


def test_a_post_needs_the_csrf_token(studio: Studio) -> None:
    assert studio.post("preview", csrf="", **SPANISH).status == 403
    assert studio.post("preview", csrf="0" * 64, **SPANISH).status == 403
    assert studio.post("manifest", **SPANISH).status == 200


def test_the_page_forbids_outside_requests(studio: Studio) -> None:
    reply = studio.request()
    policy = reply.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "http" not in policy
    assert reply.headers["cache-control"] == "no-store"
    assert not re.search(r'(src|href|action)="(https?:)?//', reply.text)
    css = studio.request("/static/studio.css")
    assert css.status == 200 and "http" not in css.text and ":focus-visible" in css.text
    theme = studio.request("/static/theme.css")  # the colours the web edition has
    assert (
        theme.headers["content-type"].startswith("text/css") and "--heading: #1D4E5F;" in theme.text
    )
    for name in ("../app.py", "nothing.css", "STUDIO.CSS"):
        assert studio.request(f"/static/{name}").status == 404


def test_the_page_speaks_the_chosen_language(studio: Studio) -> None:
    english, spanish = studio.request("/?ui=en").text, studio.request("/?ui=es").text
    assert '<html lang="en">' in english and "Choose worksheets" in english
    assert '<html lang="es">' in spanish and "Elegir hojas de trabajo" in spanish
    for sheet in THREE:  # every built-in worksheet, with a label tied to its box
        assert f'<label for="ws-{sheet}">' in english and f'id="ws-{sheet}"' in english


def test_a_spanish_mx_workbook_of_three_worksheets(studio: Studio) -> None:
    reply = studio.post("print", **SPANISH)
    assert reply.status == 200, reply.body[:2000]
    assert reply.headers["content-type"] == "application/pdf"
    assert reply.headers["content-disposition"].endswith('.pdf"')
    reader = PdfReader(io.BytesIO(reply.body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Ana" in text and "Luis" in text and "Página" in text
    assert "México" in text or "MX" in text or "911" in text  # the region's crisis page
    assert not reader.get_fields()


def test_the_manifest_builds_the_same_bytes_with_the_cli(studio: Studio, tmp_path: Path,
                                                         cli: Any) -> None:  # fmt: skip
    pdf = studio.post("print", **SPANISH).body
    manifest = studio.post("manifest", **SPANISH)
    assert manifest.headers["content-disposition"] == 'attachment; filename="manifest.yaml"'
    assert "recipient:\n  name: Ana" in manifest.text
    (tmp_path / "manifest.yaml").write_bytes(manifest.body)
    result = cli("build", tmp_path / "manifest.yaml", "-o", tmp_path / "book.pdf")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "book.pdf").read_bytes() == pdf


def test_fillable_and_web_editions(studio: Studio) -> None:
    fillable = studio.post("fillable", **SPANISH)
    assert fillable.headers["content-disposition"].endswith('-fillable.pdf"')
    assert PdfReader(io.BytesIO(fillable.body)).get_fields()
    web = studio.post("html", **SPANISH)
    assert web.headers["content-type"].startswith("text/html")
    assert web.headers["content-disposition"].endswith('.html"')
    assert '<html lang="es"' in web.text and "Ana" in web.text


def test_preview_shows_the_pages_and_their_count(studio: Studio) -> None:
    page = studio.post("preview", **SPANISH).text
    count = int(re.search(r'id="page-count">(\d+) páginas<', page).group(1))  # type: ignore[union-attr]
    images = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="Página \d+">', page)
    assert count > 5 and len(images) == count
    assert 'value="Ana"' in page and 'value="MX"' in page  # the form keeps what was typed


def test_a_preview_page_opens_large_enough_to_read(studio: Studio) -> None:
    """Each small page links to itself drawn large, made only when asked for."""
    from PIL import Image

    page = studio.post("preview", **SPANISH).text
    links = re.findall(
        r'<a class="page-link" href="(/preview/[0-9a-f]{16}/(\d+)\.png)\?ui=es"', page
    )
    assert [int(n) for _, n in links] == list(range(1, len(links) + 1)) and len(links) > 5
    assert "Elija una página para verla en grande" in page
    large = studio.request(links[1][0])
    assert large.status == 200 and large.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(large.body)).size[0] == 1275  # 8.5 in at 150 dpi
    kept = links[0][0].rsplit("/", 1)[0]
    missing = studio.request(f"{kept}/{len(links) + 1}.png")
    assert missing.status == 404 and "no page" in missing.text
    assert "no tiene página" in studio.request(f"{kept}/{len(links) + 1}.png?ui=es").text
    assert studio.request(f"{kept}/0.png").status == 404
    for name in ("0" * 16, "0123456789ABCDEF", "ZZZZ", "..", "%2E%2E"):  # each reaches the page
        gone = studio.request(f"/preview/{name}/1.png")
        assert gone.status == 404 and "press Preview again" in gone.text, name
    assert "pulse Vista previa" in studio.request(f"/preview/{'0' * 16}/1.png?ui=es").text


def test_a_bad_value_shows_its_message_next_to_its_field(studio: Studio) -> None:
    reply = studio.post("print", **{**SPANISH, "region": "XYZ"})
    assert reply.status == 422
    message = (
        "&#39;region&#39; must be a two-letter country code such as US or GB, not &#39;XYZ&#39;"
    )
    field = re.search(r'<label for="region">.*?</div>', reply.text, re.DOTALL)
    assert field and 'id="region-error"' in field.group(0) and message in field.group(0)
    assert 'aria-invalid="true" aria-describedby="region-error crisis"' in field.group(0)
    assert (
        f'<a href="#region" lang="en">{message}</a>' in reply.text
    )  # and in the summary at the top
    empty = studio.post("preview", **{**SPANISH, "worksheets": []}).text
    assert 'id="worksheets-error"' in empty


def test_a_warning_is_shown(studio: Studio) -> None:
    page = studio.post("preview", **{**SPANISH, "region": "ZZ"}).text
    assert "Avisos" in page and "ZZ" in page.split("Avisos", 1)[1]


def test_an_oversized_request_is_refused_and_the_server_keeps_serving(studio: Studio) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", studio.port, timeout=30)
    connection.putrequest("POST", "/")  # says too much, sends the start; refused before the rest
    for name, value in (("Cookie", f"workbook_studio={TOKEN}"), ("Content-Length", str(MAX_BODY + 1)),
                        ("Content-Type", "application/x-www-form-urlencoded")):  # fmt: skip
        connection.putheader(name, value)
    connection.endheaders(f"csrf={studio.csrf()}&recipient=".encode())
    assert connection.getresponse().status == 413
    connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", studio.port, timeout=30)
    connection.putrequest("POST", "/")
    connection.putheader("Cookie", f"workbook_studio={TOKEN}")
    connection.putheader("Content-Length", "many")
    connection.endheaders()
    assert connection.getresponse().status == 400
    connection.close()
    assert studio.request().status == 200


def test_build_does_not_import_the_studio(tmp_path: Path) -> None:
    code = ("import sys\nfrom workbook.cli import run\nsys.argv = ['workbook', 'build', '-w', "
            f"'i-statements', '-o', {str(tmp_path / 'a.pdf')!r}]\ntry:\n    run()\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('starlette', 'uvicorn', 'multipart', 'python_multipart') "
            "or m.startswith('workbook.studio')))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "a.pdf").is_file()


def test_the_command_prints_its_address_and_warns_off_this_machine(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_serve(host: str, port: int, output: Path, open_browser: bool, announce: Any,
                   dirs: Any = ()) -> None:  # fmt: skip
        seen.update(host=host, port=port, open=open_browser)
        announce(f"http://{host}:{port}/?token=abc")

    monkeypatch.setattr("workbook.studio.serve", fake_serve)
    result = cli("studio", "--no-open", "--port", "8123")
    assert result.exit_code == 0 and "http://127.0.0.1:8123/?token=abc" in result.stdout
    assert seen == {"host": "127.0.0.1", "port": 8123, "open": False} and not result.stderr
    result = cli("studio", "--host", "0.0.0.0")
    assert "warning: listening on 0.0.0.0" in result.stderr and seen["open"] is True


def test_in_chromium_pick_order_personalise_and_the_preview_follows(
    browser: Any, studio: Studio
) -> None:
    """Ticking cards fills the order list, its buttons and Alt+arrows move in place, and the
    preview (with errors next to their fields) follows each change without a button."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    set_width(browser, PHONE)
    browser.get(f"http://127.0.0.1:{studio.port}/?token={TOKEN}&ui=es")
    assert browser.current_url == f"http://127.0.0.1:{studio.port}/?ui=es"  # token gone
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
    check_page(browser)

    def click(element: Any) -> None:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def until(condition: Any) -> Any:
        return WebDriverWait(browser, 60).until(lambda driver: condition())

    def order() -> list[str]:
        items = browser.find_elements(By.CSS_SELECTOR, "#order li")
        return [i.get_attribute("data-id") for i in items]

    for sheet in THREE:
        click(browser.find_element(By.ID, f"ws-{sheet}"))
    assert order() == THREE
    click(browser.find_element(By.CSS_SELECTOR, 'button[value="up:boundary-planning"]'))
    assert order() == [THREE[1], THREE[0], THREE[2]]
    assert browser.switch_to.active_element.get_attribute("value") == "up:boundary-planning"
    browser.find_element(By.CSS_SELECTOR, 'button[value="down:objection-handling"]').send_keys(
        Keys.ALT, Keys.ARROW_UP
    )
    assert order() == [THREE[1], THREE[2], THREE[0]]
    status = browser.find_element(By.ID, "order-status")
    assert "2 de 3" in status.get_attribute("textContent")
    browser.find_element(By.CSS_SELECTOR, 'button[value="up:boundary-planning"]').click()
    assert "ya es la primera" in status.get_attribute("textContent")

    browser.find_element(By.ID, "recipient").send_keys("Ana")
    Select(browser.find_element(By.ID, "language")).select_by_value("es")
    until(lambda: browser.find_elements(By.ID, "page-count"))  # the first preview, for US
    region = browser.find_element(By.ID, "region")
    region.clear()
    region.send_keys("XYZ")
    error = browser.find_element(By.ID, "region-error")
    until(lambda: "two-letter country code" in error.text)  # no button pressed
    assert browser.find_element(By.ID, "region").get_attribute("aria-invalid") == "true"
    paused = browser.find_element(By.ID, "preview-paused")
    until(lambda: paused.is_displayed() and "País o región" in paused.text)
    assert browser.find_elements(By.CSS_SELECTOR, ".pages img")  # the last good pages stay
    check_page(browser)  # the page with an error on it

    region.clear()
    region.send_keys("MX")
    until(lambda: browser.find_elements(By.ID, "page-count") and not error.is_displayed())
    assert "Línea de la Vida" in browser.find_element(By.ID, "crisis").text
    count = browser.find_element(By.ID, "page-count").text
    images = browser.find_elements(By.CSS_SELECTOR, ".pages img")
    assert count == f"{len(images)} páginas" and len(images) > 5
    assert all(
        browser.execute_script("return arguments[0].naturalWidth", i) > 0 for i in images[:2]
    )
    thumbs = browser.find_elements(By.CSS_SELECTOR, ".card img.thumb")
    click(thumbs[0])
    until(lambda: browser.execute_script("return arguments[0].naturalWidth", thumbs[0]) > 0)
    Select(browser.find_element(By.ID, "topic")).select_by_value("boundaries")
    shown = [c for c in browser.find_elements(By.CSS_SELECTOR, ".card") if c.is_displayed()]
    assert 0 < len(shown) < len(thumbs)
    check_page(browser)  # the page with the preview
    pdf = _posted(browser, "print")  # what the button sends, from the page's own form
    assert "Ana" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    manifest = _posted(browser, "manifest").decode("utf-8")
    assert "region: MX" in manifest and manifest.index("boundary-planning") < manifest.index(
        "objection-handling") < manifest.index("i-statements")  # fmt: skip
    browser_built["pdf"], browser_built["manifest"] = pdf, manifest


browser_built: dict[str, Any] = {}


def _posted(browser: Any, action: str) -> bytes:
    """The page's form posted with `action`, as its button would, from inside the browser."""
    import base64

    browser.set_script_timeout(120)
    encoded = browser.execute_async_script(
        "var done = arguments[arguments.length - 1], data = new FormData("
        "document.getElementById('workbook')); data.set('action', arguments[0]);"
        "fetch('/', {method: 'POST', body: data}).then(function (r) { return r.arrayBuffer(); })"
        ".then(function (b) { var s = '', u = new Uint8Array(b);"
        " for (var i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); done(btoa(s)); });",
        action,
    )
    return base64.b64decode(encoded)


def test_the_browsers_manifest_builds_its_pdf_with_the_cli(tmp_path: Path, cli: Any) -> None:
    if not browser_built:
        pytest.skip("the Chromium test did not run")
    (tmp_path / "m.yaml").write_text(browser_built["manifest"], encoding="utf-8")
    result = cli("build", tmp_path / "m.yaml", "-o", tmp_path / "m.pdf")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "m.pdf").read_bytes() == browser_built["pdf"]


def test_save_writes_into_the_output_folder_only(studio: Studio) -> None:
    page = studio.post("save", **SPANISH).text
    found = re.search(r'<p class="saved" role="status">Guardado: ([^<]+)</p>', page)
    assert found, page[-3000:]
    saved = Path(found.group(1))
    assert saved.parent == studio.output and saved.name == "mi-cuaderno-ana.pdf"
    assert PdfReader(saved).pages and saved.read_bytes() == studio.post("print", **SPANISH).body
    assert "Guardado" in studio.post("save", **SPANISH).text  # its own file: replaced


def test_every_page_has_every_word_in_both_languages_once() -> None:
    import yaml

    from workbook.studio.interface import WORDS

    seen: dict[str, str] = {}
    for path in sorted(WORDS.glob("*.yaml")):
        words = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(words) == {"en", "es"}, path.name
        assert set(words["en"]) == set(words["es"]), path.name
        for key in words["en"]:
            assert key not in seen, f"{key} is in {seen.get(key)} and {path.name}"
            seen[key] = path.name
            assert words["en"][key] and words["es"][key], key


def test_in_chromium_a_preview_page_opens_large_and_escape_closes_it(
    browser: Any, studio: Studio
) -> None:
    """By keyboard alone: Enter on a page of the preview opens it large in a dialog (its own
    name, alt text, previous and next, a zoom that scrolls inside the dialog); Escape closes
    it and gives the focus back to the page the person was on."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    def until(condition: Any) -> Any:
        return WebDriverWait(browser, 60).until(lambda driver: condition())

    def natural(image: Any) -> int:
        return int(browser.execute_script("return arguments[0].naturalWidth", image))

    set_width(browser, 1280)
    browser.get(f"http://127.0.0.1:{studio.port}/?token={TOKEN}&ui=en")
    for sheet in THREE:
        box = browser.find_element(By.ID, f"ws-{sheet}")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        box.click()
    until(lambda: browser.find_elements(By.CSS_SELECTOR, ".pages a.page-link"))
    count = len(browser.find_elements(By.CSS_SELECTOR, ".pages a.page-link"))
    link = browser.find_element(By.CSS_SELECTOR, '.pages a.page-link[data-page="2"]')
    browser.execute_script("arguments[0].focus();", link)
    link.send_keys(Keys.ENTER)
    viewer = browser.find_element(By.ID, "viewer")
    until(lambda: viewer.get_attribute("open") is not None)
    image = browser.find_element(By.ID, "viewer-image")
    until(lambda: natural(image) == 1275)
    heading = browser.find_element(By.ID, "viewer-heading")
    assert heading.text == f"Page 2 of {count}" and image.get_attribute("alt") == "Page 2"
    assert browser.switch_to.active_element.get_attribute("id") == "viewer-page"
    assert image.size["width"] > 700  # the thumbnail is 340 px wide
    check_page(browser)  # the dialog open, on a phone and a desktop
    SHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SHOTS / "viewer-1280.png"))
    browser.find_element(By.CSS_SELECTOR, "#viewer button[data-step='1']").click()
    until(lambda: image.get_attribute("src").endswith("/3.png") and natural(image) == 1275)
    assert heading.text == f"Page 3 of {count}" and image.get_attribute("alt") == "Page 3"
    status = browser.find_element(By.ID, "viewer-status")
    until(lambda: status.get_attribute("textContent") == f"Page 3 of {count}")  # said
    zoom = browser.find_element(By.ID, "viewer-zoom")
    zoom.click()
    assert zoom.get_attribute("aria-pressed") == "true" and image.size["width"] >= 1275
    set_width(browser, PHONE)
    page = browser.find_element(By.ID, "viewer-page")
    assert browser.execute_script("return arguments[0].scrollWidth", page) > PHONE
    check_page(browser)  # zoomed: the page scrolls inside the dialog, not the screen
    set_width(browser, PHONE)
    browser.save_screenshot(str(SHOTS / "viewer-zoomed-360.png"))
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    until(lambda: viewer.get_attribute("open") is None)
    back = browser.switch_to.active_element
    assert back.get_attribute("class") == "page-link" and back.get_attribute("data-page") == "3"
    first = browser.find_element(By.CSS_SELECTOR, '.pages a.page-link[data-page="1"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", first)
    first.click()
    until(lambda: viewer.get_attribute("open") is not None)
    previous = browser.find_element(By.CSS_SELECTOR, "#viewer button[data-step='-1']")
    assert not previous.is_enabled() and heading.text == f"Page 1 of {count}"
    browser.find_element(By.ID, "viewer-close").click()
    until(lambda: viewer.get_attribute("open") is None)
    # two pages: Next to the last, then Previous back to the first, by keyboard; the focus
    # goes to the one step button that still works, never stays on a disabled one
    browser.execute_script("document.querySelector('.pages').dataset.count = '2';")
    first.click()
    until(lambda: viewer.get_attribute("open") is not None)
    following = browser.find_element(By.CSS_SELECTOR, "#viewer button[data-step='1']")
    browser.execute_script("arguments[0].focus();", following)
    following.send_keys(Keys.ENTER)
    until(lambda: heading.text == "Page 2 of 2")
    assert browser.switch_to.active_element.get_attribute("data-step") == "-1"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    until(lambda: heading.text == "Page 1 of 2")
    assert browser.switch_to.active_element.get_attribute("data-step") == "1"
    browser.find_element(By.ID, "viewer-close").click()
    until(lambda: viewer.get_attribute("open") is None)
    assert browser.switch_to.active_element.get_attribute("data-page") == "1"
    # Ctrl-, Shift- or middle-click: the link's own (a new tab), not the dialog
    opened = browser.execute_script(
        """
        var seen = [];
        document.addEventListener("click", function stop(event) {
          seen.push(event.defaultPrevented); event.preventDefault();
          document.removeEventListener("click", stop);
        });
        arguments[0].dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true,
                                                            ctrlKey: true}));
        return [seen[0], document.getElementById("viewer").open];""",
        first,
    )
    assert opened == [False, False]
    # a preview the studio no longer keeps (a dozen newer ones since): said, not a blank page
    browser.execute_script("document.querySelector('.pages').dataset.kept = '0'.repeat(16);")
    first.click()
    until(lambda: "could not be shown" in status.text)
    assert not image.is_displayed()
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    until(lambda: viewer.get_attribute("open") is None)


def test_in_chromium_a_packet_is_applied_in_place(browser: Any, studio: Studio) -> None:
    from selenium.webdriver.common.by import By

    set_width(browser, 1280)
    browser.get(f"http://127.0.0.1:{studio.port}/?token={TOKEN}&ui=en")
    address = browser.current_url
    browser.find_element(By.CSS_SELECTOR, 'button[value="packet:teen"]').click()
    assert browser.current_url == address  # no reload
    items = browser.find_elements(By.CSS_SELECTOR, "#order li")
    assert [i.get_attribute("data-id") for i in items][:2] == [
        "understanding-resistance", "conversation-plan"]  # fmt: skip
    assert browser.find_element(By.ID, "relationship").get_attribute("value") == "child"
    assert browser.find_element(By.ID, "age_group").get_attribute("value") == "minor"
    said = browser.find_element(By.ID, "order-status").text
    assert (
        said
        == f"“A teenager who refuses”: {len(items)} worksheets ticked. Change anything you like."
    )
    ticked = browser.find_elements(By.CSS_SELECTOR, "input[name=worksheets]:checked")
    assert len(ticked) == len(items)


def test_in_chromium_an_item_is_dragged_to_its_place(browser: Any, studio: Studio) -> None:
    """HTML5 dragging, as the browser sends it (WebDriver cannot drag natively): the dragged
    item goes below the one it is dropped on the lower half of, and its place is said."""
    from selenium.webdriver.common.by import By

    set_width(browser, 1280)
    browser.get(f"http://127.0.0.1:{studio.port}/?token={TOKEN}&ui=en")
    browser.find_element(By.CSS_SELECTOR, 'button[value="packet:self"]').click()
    before = [
        i.get_attribute("data-id") for i in browser.find_elements(By.CSS_SELECTOR, "#order li")
    ]
    browser.execute_script(
        "var items = document.querySelectorAll('#order li'), first = items[0], last = items[2];"
        "var data = new DataTransfer(), box = last.getBoundingClientRect();"
        "function send(target, type) { target.dispatchEvent(new DragEvent(type, {bubbles: true,"
        " cancelable: true, dataTransfer: data, clientY: box.bottom - 2})); }"
        "send(first, 'dragstart'); send(last, 'dragover'); send(last, 'drop'); send(first, 'dragend');"
    )
    after = [
        i.get_attribute("data-id") for i in browser.find_elements(By.CSS_SELECTOR, "#order li")
    ]
    assert after == [before[1], before[2], before[0]]
    said = browser.find_element(By.ID, "order-status").text
    assert (
        said
        == f"“{browser.find_element(By.ID, 'ws-' + before[0]).get_attribute('data-title')}” is now number 3 of 3."
    )
