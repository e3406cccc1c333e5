"""`workbook init`: the wizard's prompts, the manifest it writes, and the PDF it builds."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from conftest import flat, page_texts, write_yaml
from workbook.locale import strings
from workbook.wizard import parse_topics


@pytest.fixture(autouse=True)
def no_locale(monkeypatch: Any) -> None:
    """The wizard suggests a language and country from LANG; these tests start from none."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def answered(*replies: str) -> str:
    return "\n".join(replies) + "\n"


def test_wizard_through_its_prompts(cli: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    replies = [
        "",
        "Helping Alex",
        "Sam",
        "Alex",
        "cousin",
        "friend",
        "US",
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
    replies = ["", "", "", "Dad", "Father", "", "", "", "", "n"]
    result = cli("init", "--manifest", manifest, input="\n".join(replies) + "\n")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(manifest.read_text())["loved_one"] == {
        "name": "Dad",
        "relationship": "parent",
    }


# From a new-user review: a daughter whose mother refuses therapy.

ENGLISH_COUNTRIES = ["AU", "BR", "CA", "FR", "DE", "GR", "IN", "IE", "MX", "NZ", "ZA", "ES", "GB",
                     "US"]  # fmt: skip


def test_init_asks_where_you_live_and_says_what_the_crisis_page_will_say(
    cli: Any, tmp_path: Path
) -> None:
    manifest = tmp_path / "m.yaml"
    uk = str(ENGLISH_COUNTRIES.index("GB") + 1)
    replies = answered("", "", "Jo", "Mum", "mother", uk, "", "", "", "n")
    result = cli("init", "--manifest", manifest, input=replies)
    assert result.exit_code == 0, result.output
    assert f"{uk}. United Kingdom (GB)" in result.output
    assert "15. other: type a two-letter code" in result.output
    said = flat(result.output)
    assert "The crisis page at the end will say to call 999 in an emergency, and name a crisis " \
           "line: Samaritans (call 116 123)." in said  # fmt: skip
    data = yaml.safe_load(manifest.read_text())
    assert (data["region"], data["page_size"]) == ("GB", "a4")  # A4 suggested outside the Americas


def test_init_other_country_gets_the_generic_page_and_says_so(cli: Any, tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    replies = answered("", "", "", "", "15", "no", "", "", "", "n")  # other -> Norway
    result = cli("init", "--manifest", manifest, input=replies)
    assert result.exit_code == 0, result.output
    assert "Two-letter country code" in result.output
    assert "no crisis list for country code NO yet, so the crisis page will say to call your " \
           "local emergency number and leave space to write your local crisis line" in flat(
               result.output)  # fmt: skip
    assert yaml.safe_load(manifest.read_text())["region"] == "NO"
    typed = cli("init", "--manifest", tmp_path / "n.yaml",
                input=answered("", "", "", "", "Ireland", "", "", "", "n"))  # fmt: skip
    assert typed.exit_code == 0, typed.output
    assert yaml.safe_load((tmp_path / "n.yaml").read_text())["region"] == "IE"
    retry = cli("init", "--manifest", tmp_path / "r.yaml",
                input=answered("", "", "", "", "Narnia", "gb", "", "", "", "n"))  # fmt: skip
    assert "Please type a number from 1 to 15, or a two-letter country code such as GB." in flat(
        retry.output
    )
    assert yaml.safe_load((tmp_path / "r.yaml").read_text())["region"] == "GB"


def test_init_region_option_reaches_the_crisis_page(
    cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("init", "--yes", "--region", "uk", "--page-size", "letter", "--name", "Jo",
                 "--topics", "i-statements")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "call 999 in an emergency" in flat(result.output)
    data = yaml.safe_load((tmp_path / "my-workbook.yaml").read_text())
    assert (data["region"], data["page_size"]) == ("GB", "letter")
    crisis = flat(page_texts(PdfReader(tmp_path / "output" / "my-workbook-jo.pdf"))[-1])
    assert "call 999" in crisis and "Samaritans" in crisis and "988" not in crisis
    bad = cli("init", "--yes", "--manifest", tmp_path / "x.yaml", "--region", "United Kingdom")
    assert bad.exit_code == 1 and "two-letter country code" in bad.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_init_asks_about_an_existing_manifest_before_the_questions(
    cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    mine = write_yaml(tmp_path / "my-workbook.yaml", "# my own notes\nworksheets: [i-statements]\n")
    replies = answered("", "n", "", "For Mum", "", "", "", "US", "", "", "", "n")
    result = cli("init", input=replies)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("my-workbook.yaml already exists. Replace it?") < out.index("A title for")
    assert "Then a new file name for your choices [my-workbook-2.yaml]" in out
    assert mine.read_text() == "# my own notes\nworksheets: [i-statements]\n"  # kept
    assert yaml.safe_load((tmp_path / "my-workbook-2.yaml").read_text())["title"] == "For Mum"
    assert "Saved your choices in my-workbook-2.yaml." in out
    replaced = cli("init", input=answered("", "y", "Replaced", "", "", "", "", "", "", "n"))
    assert replaced.exit_code == 0, replaced.output
    assert yaml.safe_load(mine.read_text())["title"] == "Replaced"
    again = cli("init", "--yes")
    assert again.exit_code == 1
    assert "my-workbook.yaml already exists; choose another file with --manifest" in again.stderr


def test_init_speaks_the_chosen_language(cli: Any, tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    mexico = str(sorted(strings("es")["wizard"]["countries"].values()).index("México") + 1)
    replies = answered("es", "", "Ana", "Mamá", "madre", mexico, "1-4, 7", "", "s", "n")
    result = cli("init", "--manifest", manifest, input=replies)
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert result.output.startswith("Language / Idioma (en/es) [en]:")
    for spanish in ("Un título para la portada [Mi cuaderno]", "¿Qué relación tiene Mamá contigo?",
                    f"{mexico}. México (MX)", "llames al 911", "Línea de la Vida",
                    "¿Qué temas? Números o rangos", "Tamaño del papel (carta/a4) [carta]",
                    "¿Letra grande? [s/N]", "Guardé tus respuestas en", "¿Hago el PDF ahora?"):  # fmt: skip
        assert spanish in out, spanish
    for english in ("A title", "related to you", "Which topics", "Paper size", "Saved your"):
        assert english not in out, english
    data = yaml.safe_load(manifest.read_text())
    assert data["title"] == "Mi cuaderno" and data["language"] == "es"
    assert data["loved_one"] == {"name": "Mamá", "relationship": "parent"}
    assert (data["region"], data["page_size"], data["theme"]) == ("MX", "letter", "large-print")
    assert data["worksheets"][:4] == ["understanding-resistance", "objection-handling",
                                      "i-statements", "conversation-plan"]  # fmt: skip


def test_init_retries_and_relationships_in_spanish(cli: Any, tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    replies = answered("español", "", "", "Luis", "primo", "hermano/a", "ES", "", "legal", "a4",
                       "quizás", "n", "n")  # fmt: skip
    result = cli("init", "--manifest", manifest, input=replies)
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "Escribe una de estas: pareja, madre, padre" in out
    assert "Escribe carta o a4." in out and "Escribe s o n." in out
    assert "llames al 112, y nombrará una línea de crisis: Línea 024" in out
    data = yaml.safe_load(manifest.read_text())
    assert data["loved_one"]["relationship"] == "sibling" and data["page_size"] == "a4"


@pytest.mark.parametrize(
    ("word", "relationship"),
    [("Madre", "parent"), ("MAMÁ", "parent"), ("papá", "parent"), ("Mother", "parent"),
     ("esposa", "partner"), ("marido", "partner"), ("novio", "partner"), ("pareja", "partner"),
     ("hermana", "sibling"), ("hijo", "child"), ("amiga", "friend"), ("wife", "partner"),
     ("Parent", "parent")],
)  # fmt: skip
def test_relationship_words_in_a_manifest(word: str, relationship: str) -> None:
    from workbook.models import LovedOne

    assert LovedOne.model_validate({"relationship": word}).relationship == relationship


def test_a_manifest_with_madre_builds_the_parent_advice(cli: Any, tmp_path: Path) -> None:
    manifest = write_yaml(tmp_path / "m.yaml", {
        "language": "es", "region": "MX", "worksheets": ["objection-handling"],
        "loved_one": {"name": "Mamá", "relationship": "madre"}})  # fmt: skip
    assert cli("validate", manifest).exit_code == 0
    result = cli("build", manifest, "-o", tmp_path / "m.pdf")
    assert result.exit_code == 0, result.stderr
    assert "Muchos padres y madres crecieron" in flat(" ".join(page_texts(PdfReader(tmp_path / "m.pdf"))))  # fmt: skip
    bad = write_yaml(tmp_path / "bad.yaml", {"worksheets": ["i-statements"],
                                             "loved_one": {"relationship": "primo"}})  # fmt: skip
    refused = cli("validate", bad)
    assert refused.exit_code == 1
    assert ("'relationship' must be 'partner', 'parent', 'friend', 'sibling', 'child' or 'other', "
            "not 'primo'") in refused.stdout + refused.stderr  # fmt: skip


def test_a_roster_with_everyday_relationship_words_builds(cli: Any, tmp_path: Path) -> None:
    base = write_yaml(tmp_path / "base.yaml", {"worksheets": ["objection-handling"],
                                               "region": "US", "date": "2026-11-22"})  # fmt: skip
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["recipient.name", "loved_one.name", "loved_one.relationship", "language"])
        writer.writerows([["Ana", "Mamá", "Madre", "es"], ["Jo", "Mum", "mother", "en"],
                          ["Lu", "Leo", "HERMANO", "es"], ["Sam", "Kim", "esposa", "en"]])  # fmt: skip
    out = tmp_path / "out"
    result = cli("batch", roster, "-m", base, "-o", out, "-j", "1")
    assert result.exit_code == 0, result.stderr
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 4
    [ana] = [p for p in pdfs if "ana" in p.name]
    assert "Muchos padres y madres crecieron" in flat(" ".join(page_texts(PdfReader(ana))))


def test_the_wizard_takes_the_same_relationship_words(cli: Any, tmp_path: Path) -> None:
    for word, expected in (("madre", "parent"), ("Esposo", "partner"), ("hija", "child")):
        manifest = tmp_path / f"{word}.yaml"
        result = cli("init", "--yes", "--manifest", manifest, "--loved-one", "X",
                     "--relationship", word, "--no-build")  # fmt: skip
        assert result.exit_code == 0, result.output
        assert yaml.safe_load(manifest.read_text())["loved_one"]["relationship"] == expected


IDS = ["understanding-resistance", "objection-handling", "i-statements", "conversation-plan",
       "support-not-enabling", "boundary-planning", "self-care-and-hope", "therapist-matching",
       "my-resistance", "is-therapy-working"]  # fmt: skip


@pytest.mark.parametrize(
    ("reply", "chosen", "unknown"),
    [("1-4, 7", [*IDS[:4], IDS[6]], []), ("1 3 5", [IDS[0], IDS[2], IDS[4]], []),
     ("2 - 3,9", [IDS[1], IDS[2], IDS[8]], []), ("3\u20131", IDS[:3], []),
     ("i-statements 1-2", [IDS[2], IDS[0], IDS[1]], []), ("1-2, 2-3", IDS[:3], []),
     ("8-11", [], ["8-11"]), ("0", [], ["0"]), ("1-", [], ["1-"]), ("x", [], ["x"])],
)  # fmt: skip
def test_topic_numbers_and_ranges(reply: str, chosen: list[str], unknown: list[str]) -> None:
    assert parse_topics(reply, IDS) == (chosen, unknown)


def test_init_takes_topic_ranges(cli: Any, tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    replies = answered("", "", "", "Alex", "", "US", "9-12", "1-4, 7", "", "", "n")
    result = cli("init", "--manifest", manifest, input=replies)
    assert result.exit_code == 0, result.output
    assert "[1-4, 6, 7]" in result.output  # the suggestion is shown as ranges too
    assert "('9-12' is not one)" in result.output
    assert yaml.safe_load(manifest.read_text())["worksheets"] == [*IDS[:4], IDS[6]]


def test_init_options_are_checked_before_any_question(cli: Any, tmp_path: Path) -> None:
    for option, value, message in (
        ("--lang", "xx", "unsupported language 'xx'; supported: en, es"),
        ("--relationship", "cousin", "--relationship 'cousin': use partner, parent"),
        ("--page-size", "b5", "--page-size 'b5': use letter or a4"),
    ):
        result = cli("init", "--manifest", tmp_path / "m.yaml", option, value, input="\n" * 20)
        assert result.exit_code == 1 and message in result.stderr, result.output
        assert result.stdout == ""  # nothing was asked
        assert not (tmp_path / "m.yaml").exists()


def test_init_suggests_from_the_terminal_locale(cli: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    manifest = tmp_path / "m.yaml"
    result = cli("init", "--manifest", manifest, input="\n" * 12)
    assert result.exit_code == 0, result.output
    assert "Language / Idioma (en/es) [es]" in result.output
    data = yaml.safe_load(manifest.read_text())
    assert (data["language"], data["region"], data["page_size"]) == ("es", "ES", "a4")
    quiet = cli("init", "--yes", "--manifest", tmp_path / "q.yaml", "--no-build")
    assert quiet.exit_code == 0
    data = yaml.safe_load((tmp_path / "q.yaml").read_text())  # --yes never guesses
    assert (data["language"], data["region"], data["page_size"]) == ("en", "US", "letter")


def test_every_country_with_crisis_lines_has_a_name_in_both_languages() -> None:
    text = (resources.files("workbook") / "locales" / "crisis.yaml").read_text(encoding="utf-8")
    regions = set(yaml.safe_load(text))
    for language in ("en", "es"):
        assert set(strings(language)["wizard"]["countries"]) == regions, language


# Written by `workbook init` before its comment followed the language (and still, in English).
OLD_HEADER = ("# Your workbook. Edit this file and run `workbook build {path}` again.\n"
              "# Every setting is described by `workbook schema manifest`.\n")  # fmt: skip


def test_the_manifest_comment_speaks_the_chosen_language(cli: Any, tmp_path: Path) -> None:
    spanish, english = tmp_path / "es.yaml", tmp_path / "en.yaml"
    for path, lang in ((spanish, "es"), (english, "en")):
        result = cli("init", "--yes", "--manifest", path, "--lang", lang, "--no-build")
        assert result.exit_code == 0, result.output
    text = spanish.read_text(encoding="utf-8")
    assert text.startswith(
        f"# Tu cuaderno. Edita este archivo y vuelve a ejecutar `workbook build {spanish}`.\n"
        "# Todos los ajustes se describen en `workbook schema manifest`.\nworkbook: 1\n"
    ), text
    assert "Your workbook" not in text and "Every setting" not in text
    assert yaml.safe_load(text)["language"] == "es"
    # English reads as it always did, byte for byte: it is what the guard recognises
    assert english.read_text(encoding="utf-8").startswith(OLD_HEADER.format(path=english))


def test_a_manifest_written_before_is_still_recognised_as_ours(cli: Any, tmp_path: Path) -> None:
    from workbook.output import MANIFEST_START, write_file

    old = tmp_path / "old.yaml"
    old.write_text(OLD_HEADER.format(path=old) + "workbook: 1\nworksheets: [i-statements]\n")
    assert MANIFEST_START.match(OLD_HEADER.encode())
    write_file(b"workbook: 1\n", old, "manifest")  # no --force needed: workbook wrote it
    assert old.read_bytes() == b"workbook: 1\n"


def test_a_line_break_in_the_manifest_path_stays_inside_the_comment(tmp_path: Path) -> None:
    from workbook.wizard import write_manifest

    for language in ("en", "es"):
        path = tmp_path / f"two\nlines-{language}.yaml"
        write_manifest({"workbook": 1, "language": language, "worksheets": ["i-statements"]}, path)
        text = path.read_text(encoding="utf-8")
        assert all(line.startswith("# ") for line in text.splitlines()[:3]), text
        assert yaml.safe_load(text) == {"workbook": 1, "language": language,
                                        "worksheets": ["i-statements"]}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_manifest_in_any_language_is_recognised_as_ours(
    cli: Any, tmp_path: Path, language: str
) -> None:
    """Every language's comment is what output.MANIFEST_START knows (a new language must
    add its own), so the manifest can be written over without --force."""
    from workbook.output import write_file

    path = tmp_path / f"{language}.yaml"
    args = ("init", "--yes", "--manifest", path, "--lang", language, "--no-build")
    assert cli(*args).exit_code == 0
    write_file(b"workbook: 1\n", path, "manifest")
    assert path.read_bytes() == b"workbook: 1\n"
