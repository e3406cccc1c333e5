"""`workbook init`: the wizard's prompts, the manifest it writes, and the PDF it builds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pypdf import PdfReader


def test_wizard_through_its_prompts(cli: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    replies = [
        "Helping Alex",
        "Sam",
        "Alex",
        "cousin",
        "friend",
        "",
        "1,3,zz",
        "1,3",
        "a4",
        "y",
        "y",
    ]
    result = cli("init", input="\n".join(replies) + "\n")
    assert result.exit_code == 0, result.output
    assert "Please type one of: partner, parent, friend" in result.output  # "cousin" was refused
    assert "('zz' is not one)" in result.output
    data = yaml.safe_load((tmp_path / "my-workbook.yaml").read_text())
    assert data["title"] == "Helping Alex"
    assert data["recipient"] == {"name": "Sam"}
    assert data["loved_one"] == {"name": "Alex", "relationship": "friend"}
    assert data["worksheets"] == ["understanding-resistance", "i-statements"]
    assert (data["page_size"], data["theme"], data["language"]) == ("a4", "large-print", "en")
    pdf = tmp_path / "output" / "helping-alex-sam.pdf"
    assert f"Your workbook is ready: {pdf.resolve()}" in " ".join(result.output.split())
    reader = PdfReader(pdf)
    assert "Prepared for Sam" in reader.pages[0].extract_text()
    assert round(float(reader.pages[0].mediabox.width)) == 595


def test_wizard_suggests_self_topics_when_no_one_is_named(
    cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("init", input="\n" * 12)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((tmp_path / "my-workbook.yaml").read_text())
    assert data["worksheets"] == ["therapist-matching", "my-resistance", "is-therapy-working"]
    assert "loved_one" not in data and "recipient" not in data


def test_wizard_without_a_terminal(cli: Any, tmp_path: Path) -> None:
    manifest = tmp_path / "mine.yaml"
    result = cli("init", "--yes", "--manifest", manifest, "--name", "Ana", "--loved-one", "Luis",
                 "--relationship", "parent", "--topics", "i-statements,objection-handling",
                 "--lang", "es", "--no-build")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(manifest.read_text())
    assert data["language"] == "es" and data["worksheets"] == ["i-statements", "objection-handling"]
    assert "workbook build" in result.output
    again = cli("init", "--yes", "--manifest", manifest)
    assert again.exit_code == 1 and "already exists" in again.stderr
    bad = cli("init", "--yes", "--manifest", tmp_path / "x.yaml", "--topics", "nope")
    assert bad.exit_code == 1 and "unknown topic 'nope'" in bad.stderr


def test_wizard_understands_everyday_words_for_relationships(cli: Any, tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    replies = ["", "", "Dad", "Father", "", "", "", "", "n"]
    result = cli("init", "--manifest", manifest, input="\n".join(replies) + "\n")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(manifest.read_text())["loved_one"] == {
        "name": "Dad",
        "relationship": "parent",
    }
