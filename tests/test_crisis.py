"""The crisis page: the reader's own country's lines, and never a generic page unannounced."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import manifest, page_texts, write_yaml

CRISIS = yaml.safe_load((resources.files("workbook") / "locales" / "crisis.yaml").read_text())


def crisis_page(make_pdf: Any, **fields: Any) -> tuple[str, list[str]]:
    reader, result = make_pdf(manifest(worksheets=["i-statements"], **fields))
    return " ".join(page_texts(reader)[-1].split()), [str(w) for w in result.warnings]


@pytest.mark.parametrize(
    ("written", "expected"),
    [("UK", "Samaritans — Call 116 123"), ("gb", "Samaritans"), ("EL", "Call 1018"),
     ("nz", "Call or text 1737"), (" de ", "0800 111 0 111"), ("Fr", "Call 3114"),
     ("IN", "14416"), ("za", "0800 567 567"), ("CA", "9-8-8"), ("BR", "Call 188")],
)  # fmt: skip
def test_common_ways_of_writing_a_country_get_its_lines(
    make_pdf: Any, written: str, expected: str
) -> None:
    text, warnings = crisis_page(make_pdf, region=written)
    assert expected in text
    assert not warnings


@pytest.mark.parametrize("region", sorted(CRISIS))
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_listed_country_in_both_languages(make_pdf: Any, region: str, language: str) -> None:
    text, warnings = crisis_page(make_pdf, region=region, language=language)
    entry = CRISIS[region]
    emergency = entry["emergency"]
    emergency = emergency if isinstance(emergency, str) else emergency[language]
    assert " ".join(emergency.split()) in text
    for line in entry["lines"]:
        assert " ".join(line["contact"][language].split()) in text
        assert " ".join(line["note"][language].split()) in text
    if language == "es":
        assert "(police)" not in text and "ambulance" not in text
    assert not warnings


def test_the_us_line_has_its_spanish_name(make_pdf: Any) -> None:
    text, _ = crisis_page(make_pdf, language="es")
    assert (
        "988 Línea de Prevención del Suicidio y Crisis — Llama o envía un mensaje de texto al 988"
        in text
    )


def test_a_country_without_a_list_is_announced_in_build_batch_and_validate(
    cli: Any, tmp_path: Path
) -> None:
    message = ("warning: no crisis list for ZZ; the crisis page is generic (the local emergency "
               "number and space to write a line): add crisis_lines: to the manifest")  # fmt: skip
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"], region="zz"))
    built = cli("build", path, "-o", tmp_path / "x.pdf")
    assert built.exit_code == 0 and f"{path}:11:1: {message}" in built.stderr
    checked = cli("validate", path, "--json")
    [diagnostic] = json.loads(checked.stdout)
    assert (diagnostic["severity"], diagnostic["line"]) == ("warning", 11)
    assert cli("validate", path, "--strict").exit_code == 1
    roster = tmp_path / "r.csv"
    roster.write_text("recipient.name\nAda\nBo\nCy\n")
    batch = cli("batch", roster, "-m", path, "-o", tmp_path / "o", "-j", "1")
    assert batch.exit_code == 0
    assert batch.stderr.count(message) == 2  # once for the first row, once in the summary
    assert f"2 more row(s) with the same warning: {path}:11:1: {message}" in batch.stderr
    cell = tmp_path / "cell.csv"
    cell.write_text("recipient.name,region\nAda,xy\n")
    batch = cli(
        "batch", cell, "-m", write_yaml(tmp_path / "ok.yaml", manifest()), "-o", tmp_path / "p"
    )
    assert f"row 1: {cell}:2:2: warning: no crisis list for XY" in batch.stderr


def test_own_lines_or_no_crisis_page_need_no_warning(make_pdf: Any) -> None:
    own = [{"name": "Harbor on-call", "contact": "555 0100"}]
    text, warnings = crisis_page(make_pdf, region="ZZ", crisis_lines=own)
    assert "Harbor on-call — 555 0100" in text and not warnings
    _, result = make_pdf(manifest(worksheets=["i-statements"], region="ZZ", crisis_page=False))
    assert not result.warnings


@pytest.mark.parametrize("region", ["USA", "U", "1A", ""])
def test_anything_but_two_letters_is_an_error(cli: Any, tmp_path: Path, region: str) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"], region=region))
    result = cli("build", path, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1
    assert "'region' must be a two-letter country code such as US or GB" in result.stderr
