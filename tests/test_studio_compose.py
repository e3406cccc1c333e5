"""The studio's workbook page over HTTP: packets, the order (without a script), the live
preview's JSON, thumbnails, a logo upload, the user's own worksheet folders, and the crisis
page a country gets."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from PIL import Image
from pypdf import PdfReader

from conftest import worksheet, write_yaml
from studio_support import THREE, Studio, running

BASE = {"recipient": "Ana", "language": "en", "region": "US", "crisis_page": "on", "ui": "en"}


def _order(page: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="order" value="([^"]+)">', page)


def _outline(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [item.title for item in reader.outline if not isinstance(item, list)]


def test_a_packet_ticks_its_worksheets_and_sets_the_relationship(studio: Studio) -> None:
    page = studio.post("packet:parent", **BASE).text
    assert "“A parent who refuses”: 6 worksheets ticked." in page
    assert _order(page)[:2] == ["understanding-resistance", "objection-handling"]
    assert '<option value="parent" selected>' in page
    assert 'id="ws-support-not-enabling" name="worksheets" value="support-not-enabling"' in page
    assert "checked" in page.split('id="ws-support-not-enabling"', 1)[1].split(">", 1)[0]
    teen = studio.post("packet:teen", **BASE).text
    assert '<option value="minor" selected>' in teen and '<option value="child" selected>' in teen
    assert studio.post("packet:nonsense", **BASE).status == 200  # an unknown packet: no change


def test_the_order_moves_without_a_script_and_orders_the_workbook(studio: Studio) -> None:
    fields = {**BASE, "worksheets": THREE, "order": THREE}
    assert _order(studio.post("up:boundary-planning", **fields).text) == [
        "boundary-planning", "i-statements", "objection-handling"]  # fmt: skip
    assert _order(studio.post("down:objection-handling", **fields).text) == THREE
    assert _order(studio.post("remove:i-statements", **fields).text) == THREE[1:]
    # the order list decides; a ticked worksheet missing from it comes last
    reverse = {**BASE, "worksheets": THREE, "order": THREE[::-1][:2]}
    pdf = studio.post("print", **reverse).body
    english = {"i-statements": "“I”", "boundary-planning": "boundar", "objection-handling": "no"}
    titles = [t for t in _outline(pdf) if any(w in t for w in english.values())]
    assert [next(k for k, w in english.items() if w in t) for t in titles] == [
        "objection-handling", "boundary-planning", "i-statements"]  # fmt: skip


def test_the_live_preview_answers_in_json(studio: Studio) -> None:
    reply = studio.upload("/preview", {**BASE, "worksheets": THREE[:1]}, [])
    answer = json.loads(reply.body)
    assert reply.status == 200 and answer["errors"] == {}
    assert re.search(r'id="page-count">\d+ pages<', answer["result"])
    assert "988" in answer["crisis"]
    bad = json.loads(studio.upload("/preview", {**BASE, "worksheets": THREE[:1], "region": "XYZ"},
                                   []).body)  # fmt: skip
    assert "two-letter country code" in bad["errors"]["region"][0]
    assert "page-count" not in bad["result"]
    assert studio.upload("/preview", BASE, [], csrf="wrong").status == 403
    choosing = json.loads(studio.upload("/preview", BASE, []).body)  # typing, none chosen yet
    assert choosing["errors"] == {} and "appear here" in choosing["result"]
    pressed = json.loads(studio.upload("/preview", {**BASE, "asked": "1"}, []).body)
    assert "is empty" in pressed["errors"]["worksheets"][0]


def test_a_country_may_be_typed_by_name(studio: Studio) -> None:
    for typed in ("Mexico", "méxico", " MÉXICO ", "mx"):
        page = studio.post("apply", **{**BASE, "region": typed}).text
        assert 'id="region" name="region" value="MX"' in page and "Línea de la Vida" in page
    wrong = studio.post("preview", **{**BASE, "worksheets": THREE[:1], "region": "Narnia"}).text
    assert "two-letter country code" in wrong and "no crisis lines for NARNIA" not in wrong


def test_a_country_without_lines_is_warned_of(studio: Studio) -> None:
    page = studio.post("apply", **{**BASE, "region": "ZZ"}).text
    assert "We have no crisis lines for ZZ" in page
    spanish = studio.post("apply", **{**BASE, "region": "mx", "language": "es", "ui": "es"}).text
    assert "Línea de la Vida" in spanish and "911" in spanish
    assert "We have no crisis lines" not in spanish
    assert "Samaritans" in studio.post("apply", **{**BASE, "region": "uk"}).text
    quiet = studio.post("apply", **{**BASE, "region": "ZZ", "crisis_page": ""}).text
    assert "no crisis lines" not in quiet  # no crisis page: nothing to warn of


def test_thumbnails_are_first_pages_and_nothing_else(studio: Studio) -> None:
    reply = studio.request("/thumb/es/i-statements.png")
    assert reply.status == 200 and reply.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(reply.body))
    assert image.width < image.height < 400
    for path in ("/thumb/xx/i-statements.png", "/thumb/en/nonsense.png",
                 "/thumb/en/..%2F..%2Fetc%2Fpasswd.png", "/thumb/en/.png"):  # fmt: skip
        assert studio.request(path).status == 404, path


def _png(colour: str = "#1d5b79") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_logo_is_kept_and_printed_and_a_bad_one_refused(studio: Studio) -> None:
    fields = {**BASE, "worksheets": THREE[:1], "practice": "Harbor", "action": "apply"}
    page = studio.upload("/", fields, [("logo_file", "Our logo!.png", _png())]).text
    ref = re.search(r'name="logo" value="([0-9a-f]{16}/Our-logo.png)"', page)
    assert ref and "Logo: Our-logo.png" in page
    pdf = studio.upload("/", {**fields, "action": "print", "logo": ref.group(1)}, []).body
    cover = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(cover.images) == 1
    manifest = studio.upload("/", {**fields, "action": "manifest", "logo": ref.group(1)}, []).text
    assert "logo: Our-logo.png" in manifest and "Put the logo, Our-logo.png" in manifest
    removed = studio.upload("/", {**fields, "action": "remove_logo", "logo": ref.group(1)}, []).text
    assert 'name="logo" value=""' in removed
    for name, data, message in (("logo.png", b"not an image", "this is not a PNG or JPEG"),
                                ("logo.gif", b"GIF89a", "this is not a PNG or JPEG"),
                                ("logo.png", b"", "empty")):  # fmt: skip
        reply = studio.upload("/", fields, [("logo_file", name, data)])
        assert reply.status == 422 and message in reply.text
        assert 'id="logo_file-error">' in reply.text
    forged = studio.upload("/", {**fields, "action": "print", "logo": "../../etc/passwd.png"}, [])
    assert len(PdfReader(io.BytesIO(forged.body)).pages[0].images) == 0  # not taken


def test_the_users_own_worksheet_folder(tmp_path: Path, cli: Any) -> None:
    mine = tmp_path / "mine"
    write_yaml(mine / "en" / "my-sheet.yaml", worksheet("my-sheet", title="Our own sheet",
                                                       tags=["planning"]))  # fmt: skip
    (mine / "en" / "broken.yaml").write_text("worksheet: 1\nid: broken\n", encoding="utf-8")
    with running(tmp_path / "out", tmp_path / "scratch", (mine,)) as studio:
        page = studio.request("/").text
        assert "Our own sheet" in page and f"Your folder: {mine}" in page
        assert "broken.yaml" in page  # shown, not fatal
        fields = {**BASE, "worksheets": ["my-sheet", "i-statements"]}
        pdf = studio.post("print", **fields).body
        assert "Our own sheet" in _outline(pdf)
        manifest = studio.post("manifest", **fields)
    (tmp_path / "m.yaml").write_bytes(manifest.body)
    result = cli("build", tmp_path / "m.yaml", "-o", tmp_path / "m.pdf")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "m.pdf").read_bytes() == pdf


def test_listening_everywhere_answers_the_machines_own_name(tmp_path: Path) -> None:
    from workbook.studio import address
    from workbook.studio.security import machine_names

    name = machine_names()[0]
    assert address("0.0.0.0", 8123, "abc") in (f"http://{name}:8123/?token=abc",
                                               f"http://[{name}]:8123/?token=abc")  # fmt: skip
    with running(tmp_path / "out", tmp_path / "scratch", host="0.0.0.0") as studio:
        host = f"[{name}]" if ":" in name else name
        assert studio.request(headers={"Host": f"{host}:{studio.port}"}).status == 200
        assert studio.request(headers={"Host": f"127.0.0.1:{studio.port}"}).status == 200
        assert studio.request(headers={"Host": f"evil.example:{studio.port}"}).status == 400


def test_a_new_edition_with_the_answers_of_a_filled_workbook(
    studio: Studio, tmp_path: Path
) -> None:
    """/answers reads a filled workbook; its new-edition link opens this page with its
    worksheets and language; the print edition built there carries the answers in ink."""
    from test_answers import VALUES, fill_pypdf, workbook

    filled = fill_pypdf(workbook(tmp_path, language="es"), tmp_path / "filled.pdf", VALUES)
    page = studio.upload(
        "/answers", {"ui": "en"}, [("workbooks", "filled.pdf", filled.read_bytes())]
    )
    link = re.search(r'href="/\?answers=([0-9a-f]{16})&amp;ui=en"', page.text)
    assert link, page.text[-2000:]
    opened = studio.request(f"/?answers={link.group(1)}&ui=en").text
    assert _order(opened)[:2] == ["i-statements", "boundary-planning"]
    assert f'name="answers" value="{link.group(1)}"' in opened
    assert (
        '<option value="es" lang="es" selected>' in opened
        and "Answers from a filled workbook" in opened
    )
    assert 'value="Opening the door"' in opened and 'value="Sam Rivera"' in opened
    fields = {**BASE, "language": "es", "worksheets": _order(opened), "answers": link.group(1)}
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
        studio.post("print", **{**fields, "theme": "large-print"}).body)).pages)  # fmt: skip
    assert "called," in text and "Дмитрий" in text and "Ana Muñoz" in text, text
    assert studio.request("/?answers=../../etc/passwd").status == 200  # ignored, not read
    forged = studio.post("print", **{**fields, "answers": "0" * 16}).body
    assert "Дмитрий" not in "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(forged)).pages)


def test_the_command_serves_keeps_names_out_of_its_log_and_cleans_up(tmp_path: Path) -> None:
    """`workbook studio` as a person starts it: the address it prints works; a logo sent is
    kept in a scratch folder that is gone when Ctrl-C stops it; no name reaches its output."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.parse

    from studio_support import Studio as Client
    from workbook.studio import free_port

    port, temp = free_port(), tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "workbook.cli", "studio", "--no-open", "--port", str(port),
         "--output", str(tmp_path / "out")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(temp)})  # fmt: skip
    try:
        assert process.stdout is not None
        line = ""
        while "token=" not in line:
            line = process.stdout.readline()
            assert line or process.poll() is None, process.stderr.read() if process.stderr else ""
        token = urllib.parse.parse_qs(urllib.parse.urlparse(line.strip()).query)["token"][0]
        client = Client(port, tmp_path / "out")
        cookie = {"Cookie": f"workbook_studio={token}"}
        deadline = time.monotonic() + 30
        while True:  # the address is printed just before the server listens
            try:
                page = client.request(headers=cookie, cookie=False).text
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline, "the studio did not start"
                time.sleep(0.1)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        from studio_support import multipart

        body, kind = multipart(
            [("csrf", csrf.group(1)), ("action", "preview"), ("recipient", "Zebulon Quimby"),
             ("worksheets", "i-statements"), ("crisis_page", "on")],
            [("logo_file", "logo.png", _png())])  # fmt: skip
        reply = client.request("/", body, headers={**cookie, "Content-Type": kind}, cookie=False)
        assert reply.status == 200 and "Zebulon Quimby" in reply.text
        kept = list(temp.glob("workbook-studio-*/logos/*/logo.png"))
        assert len(kept) == 1
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert not list(temp.glob("workbook-studio-*")), "the scratch folder outlived the server"
    assert "Zebulon" not in out + err and "logo.png" not in out + err


def test_a_malformed_upload_is_a_clear_message_and_the_server_goes_on(studio: Studio) -> None:
    broken = b'--studioXYZ\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nno end'
    for kind in ("multipart/form-data", "multipart/form-data; boundary="):  # no boundary
        reply = studio.request("/", broken, headers={"Content-Type": kind})
        assert reply.status == 400, (kind, reply.status)
        assert reply.text == "This form could not be read: reload the studio."
    assert studio.request().status == 200


def test_previews_kept_for_opening_large_are_bounded() -> None:
    """The studio keeps the last previews' PDFs in memory, by count and by size: the oldest
    go first, and the newest is kept even when it alone is over the size."""
    from workbook.studio.editions import Previews

    kept = Previews(keep=3, most=100)
    names = [kept.add(bytes(40)) for _ in range(3)]  # 120 bytes: the first goes
    assert kept.get(names[0]) is None and kept.get(names[1]) == bytes(40)
    more = [kept.add(bytes(10)) for _ in range(3)]  # 3 at most
    assert [kept.get(n) is not None for n in names + more] == [False] * 3 + [True] * 3
    huge = kept.add(bytes(500))
    assert kept.get(huge) == bytes(500) and all(kept.get(n) is None for n in more)
    assert len({*names, *more, huge}) == 7  # every name new
