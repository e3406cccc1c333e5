"""Answers that go back in: `build --answers`, a manifest's `answers:`, roster columns and
`--keep-answers`; printed where a person writes, or the fillable edition's starting values."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import manifest, write_yaml
from test_answers import SHEETS, VALUES, fill_pdfjs, fill_pypdf, values, workbook

TEXTS = {k: v for k, v in VALUES.items() if isinstance(v, str)}


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fillable workbook filled with pypdf, as a client sends it back."""
    folder = tmp_path_factory.mktemp("prefill")
    return fill_pypdf(workbook(folder), folder / "filled.pdf", VALUES)


def build(cli: Any, folder: Path, *args: Any, **fields: Any) -> Any:
    data = manifest(worksheets=SHEETS, **fields)
    path = write_yaml(folder / "m.yaml", data)
    return cli("build", path, *args)


def printed(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    return " ".join(text.split())


def figures(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        found: list[str] = []
        todo = [pdf.Root.StructTreeRoot]
        while todo:
            element = todo.pop()
            if element.get("/S") == "/Figure":
                found.append(str(element.get("/Alt", "")))
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            todo += [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        return found


@pytest.mark.parametrize(("language", "page_size"), [("en", "letter"), ("es", "a4")])
def test_answers_read_back_go_into_the_fillable_edition(
    cli: Any, filled: Path, tmp_path: Path, language: str, page_size: str
) -> None:
    """workbook answers --json, then build --answers: the same values, in another language
    and paper size (field names are the same in every language)."""
    listing = tmp_path / "answers.json"
    assert cli("answers", filled, "--json", "-o", listing).exit_code == 0
    out = tmp_path / "again.pdf"
    result = build(cli, tmp_path, "--answers", listing, "-o", out, language=language,
                   page_size=page_size, fillable=True)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert {k: v for k, v in values(out).items() if v not in ("", None, False)} == VALUES


@pytest.mark.parametrize("theme", ["default", "large-print"])
def test_the_print_edition_writes_the_answers_where_a_person_would(
    cli: Any, filled: Path, tmp_path: Path, theme: str
) -> None:
    out = tmp_path / "print.pdf"
    result = build(cli, tmp_path, "--answers", filled, "-o", out, theme=theme)
    assert result.exit_code == 0, result.output
    text = printed(out)
    for value in TEXTS.values():
        for line in value.split("\n"):
            assert line in text, line
    assert not PdfReader(out).get_fields()  # printed, not fields
    alts = figures(out)
    assert "\u2713" in alts  # the ticked box
    assert any(re.search(r"\b7 of 0 to 10\b", a) for a in alts)  # the ring round 7


def test_a_manifest_and_a_roster_give_answers(cli: Any, tmp_path: Path) -> None:
    answers = {"i-statements.fill_in.1.blank1": "calm", "boundary-planning.scale.1": 3,
               "i-statements.lines.1": "Line one\nLine two"}  # fmt: skip
    out = tmp_path / "m.pdf"
    assert build(cli, tmp_path, "-o", out, fillable=True, answers=answers).exit_code == 0
    got = values(out)
    assert got["i-statements.fill_in.1.blank1"] == "calm" and got["boundary-planning.scale.1"] == 3
    assert (got["i-statements.lines.1.1"], got["i-statements.lines.1.2"]) == (
        "Line one",
        "Line two",
    )
    roster = tmp_path / "roster.csv"
    roster.write_text("recipient.name,answers.i-statements.fill_in.1.blank1\nAna,tired\nBo,\n",
                      encoding="utf-8")  # fmt: skip
    data = manifest(worksheets=SHEETS, fillable=True)
    result = cli(
        "batch", roster, "-m", write_yaml(tmp_path / "b.yaml", data), "-o", tmp_path / "out"
    )
    assert result.exit_code == 0, result.output
    books = {p.name: values(p) for p in (tmp_path / "out").glob("*.pdf")}
    assert sorted(b["i-statements.fill_in.1.blank1"] for b in books.values()) == ["", "tired"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"i-statements.fill_in.9.blank1": "x"}, "no field 'i-statements.fill_in.9.blank1'"),
        ({"nope.lines.1": "x"}, "no worksheet 'nope'"),
        ({"boundary-planning.scale.1": 42}, "is '42': give one of 0 to 10"),
        ({"boundary-planning.checklist.1.item1": "maybe"}, "a check box takes true or false"),
    ],
)
def test_a_wrong_answer_is_an_error_at_its_line(
    cli: Any, tmp_path: Path, answers: dict[str, Any], message: str
) -> None:
    given = tmp_path / "answers.yaml"
    given.write_text("# answers\n" + json.dumps(answers) + "\n", encoding="utf-8")
    result = build(cli, tmp_path, "--answers", given, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1
    assert f"{given}:2:" in result.output and message in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.pdf").exists()


def test_an_answer_too_long_for_its_lines_is_reported(cli: Any, tmp_path: Path) -> None:
    long = " ".join(["A long answer that keeps going."] * 30)
    out = tmp_path / "p.pdf"
    result = build(cli, tmp_path, "-o", out, answers={"i-statements.lines.1": long})
    assert result.exit_code == 0
    assert "the answer takes" in result.output and "it is cut short" in result.output


def test_keep_answers_carries_them_over_and_keeps_the_old_file(
    cli: Any, filled: Path, tmp_path: Path
) -> None:
    target = tmp_path / "mine.pdf"
    target.write_bytes(filled.read_bytes())
    refused = build(cli, tmp_path, "-o", target, fillable=True, language="es")
    assert refused.exit_code == 1 and "--keep-answers" in refused.output
    result = build(cli, tmp_path, "-o", target, "--keep-answers", fillable=True, language="es",
                   theme="large-print")  # fmt: skip
    assert result.exit_code == 0, result.output
    [kept] = tmp_path.glob("mine.answers-*.pdf")
    assert kept.read_bytes() == filled.read_bytes()  # byte-identical, beside the new one
    assert {k: v for k, v in values(target).items() if v not in ("", None, False)} == VALUES
    again = build(cli, tmp_path, "-o", target, "--keep-answers", fillable=True)
    assert again.exit_code == 0 and len(list(tmp_path.glob("mine.answers-*.pdf"))) == 2


def test_an_answer_whose_field_is_gone_is_reported_not_dropped(
    cli: Any, filled: Path, tmp_path: Path
) -> None:
    target = tmp_path / "mine.pdf"
    target.write_bytes(filled.read_bytes())
    result = cli("build", "-w", "i-statements", "-o", target, "--keep-answers", "--fillable")
    assert result.exit_code == 0, result.output
    assert "have no field in the new one" in result.output
    assert "boundary-planning.scale.1" in result.output


def test_answers_filled_by_pdfjs_come_back(cli: Any, tmp_path: Path) -> None:
    blank = workbook(tmp_path)
    filled = fill_pdfjs(blank, tmp_path / "pdfjs.pdf", VALUES)
    out = tmp_path / "again.pdf"
    assert build(cli, tmp_path, "--answers", filled, "-o", out, fillable=True).exit_code == 0
    assert {k: v for k, v in values(out).items() if v not in ("", None, False)} == VALUES


def ink_pixels(path: Path, tmp_path: Path) -> int:
    """How many pixels of a rendering (poppler) are the answers' blue ink (blue well above
    red and green: no theme colour of the printed text is)."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "100", str(path), str(tmp_path / "page")], check=True)
    count = 0
    for png in tmp_path.glob("page-*.png"):
        image = Image.open(png).convert("RGB")
        red, green, blue = (band.tobytes() for band in image.split())
        count += sum(1 for r, g, b in zip(red, green, blue, strict=True)
                     if b - r > 60 and b - g > 30)  # fmt: skip
    return count


def test_a_rendering_shows_the_answers_in_ink(cli: Any, filled: Path, tmp_path: Path) -> None:
    with_answers, without = tmp_path / "with.pdf", tmp_path / "without.pdf"
    assert build(cli, tmp_path, "--answers", filled, "-o", with_answers).exit_code == 0
    assert build(cli, tmp_path, "-o", without).exit_code == 0
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    none, some = ink_pixels(without, tmp_path / "b"), ink_pixels(with_answers, tmp_path / "a")
    assert some > 300 and some > 20 * none, (some, none)


def test_a_given_row_grows_with_its_answer(cli: Any, tmp_path: Path) -> None:
    """An empty cell in a row the worksheet gives (not a blank row to write in) takes its
    whole answer; the row grows instead of cutting it short."""
    from conftest import worksheet

    table = {"type": "table", "columns": ["Said", "Answer"], "rows": [["They say no.", ""]]}
    write_yaml(tmp_path / "sheets" / "mine.yaml", worksheet("mine", [table]))
    long = "A longer answer that needs several lines in this narrow cell to be read whole."
    data = manifest(worksheets=["mine"], worksheets_dirs=["sheets"],
                    answers={"mine.table.1.r1c2": long})  # fmt: skip
    out = tmp_path / "p.pdf"
    result = cli("build", write_yaml(tmp_path / "m.yaml", data), "-o", out)
    assert result.exit_code == 0 and "cut short" not in result.output
    assert long in printed(out)


def test_an_answers_file_that_is_missing_or_not_a_mapping_is_a_clean_error(
    cli: Any, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.yaml"
    result = build(cli, tmp_path, "--answers", missing, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1 and str(missing) in result.output
    assert "Traceback" not in result.output
    listed = tmp_path / "list.yaml"
    listed.write_text("- tired\n- worried\n", encoding="utf-8")
    result = build(cli, tmp_path, "--answers", listed, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1 and f"{listed}:1:1:" in result.output
    assert "answers must be a mapping of field names to values" in result.output
    assert not (tmp_path / "x.pdf").exists()
