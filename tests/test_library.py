"""The built-in library: ten worksheets in English and Spanish, tailored, and content-checked."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import flat, manifest, page_texts
from workbook.errors import Location

IDS = ["boundary-planning", "conversation-plan", "i-statements", "is-therapy-working",
       "my-resistance", "objection-handling", "self-care-and-hope", "support-not-enabling",
       "therapist-matching", "understanding-resistance"]  # fmt: skip
SELF = {"my-resistance", "is-therapy-working"}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_list_json_has_the_ten_worksheets(cli: Any, lang: str) -> None:
    rows = json.loads(cli("list", "--json", "--lang", lang).output)
    assert [r["id"] for r in rows] == IDS
    assert {r["language"] for r in rows} == {lang}
    assert all(r["title"] and r["minutes"] > 0 for r in rows)
    assert {r["id"] for r in rows if r["audience"] == "self"} == SELF


def test_library_passes_the_strict_content_check(cli: Any, tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)  # away from a checkout's worksheets/ folder: the library alone
    result = cli("validate", "--strict")
    assert result.exit_code == 0, result.stderr
    assert "checked 20 file(s): 0 error(s), 0 warning(s)" in result.stderr


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("relationship", ["partner", "parent", "friend", "sibling", None])
def test_all_ten_build_in_each_language_and_relationship(make_pdf: Any, lang: str,
                                                         relationship: str | None) -> None:  # fmt: skip
    data = manifest(worksheets=IDS, language=lang, edition="facilitator")
    if relationship:
        data["loved_one"] = {"name": "Alex", "relationship": relationship}
    else:
        del data["loved_one"]
    reader, result = make_pdf(data)
    assert result.warnings == []
    text = flat(" ".join(page_texts(reader)))
    assert len(reader.outline) >= 12
    assert ("Notes for the facilitator" if lang == "en" else "Notas para profesionales") in text
    if relationship is None:
        assert ("your loved one" if lang == "en" else "tu ser querido") in text


TAILORED = {  # text that appears only in one relationship's branch of a worksheet
    ("en", "partner"): "Avoid ultimatums",
    ("en", "parent"): "Many parents grew up",
    ("en", "friend"): "You are their friend, not their therapist",
    ("es", "parent"): "Muchos padres y madres crecieron",
}


@pytest.mark.parametrize(("lang", "relationship"), list(TAILORED))
def test_tailored_branches(make_pdf: Any, lang: str, relationship: str) -> None:
    texts = {}
    for other in ("partner", "parent", "friend"):
        data = manifest(worksheets=IDS[:6], language=lang,
                        loved_one={"name": "Alex", "relationship": other})  # fmt: skip
        texts[other] = flat(" ".join(page_texts(make_pdf(data, f"{other}.pdf")[0])))
    needle = TAILORED[(lang, relationship)]
    assert needle in texts[relationship]
    assert all(needle not in text for other, text in texts.items() if other != relationship)


def test_spanish_fixed_strings_and_dates(make_pdf: Any) -> None:
    data = manifest(worksheets=["i-statements"], language="es", region="MX")
    texts = page_texts(make_pdf(data)[0])
    cover, last = flat(texts[0]), flat(texts[-1])
    assert "Preparado para Sam Rivera" in cover and "22 de noviembre de 2026" in cover
    assert "Cómo usar este cuaderno" in texts[1] and "Contenido" in texts[2]
    assert all(f"Página {n} de {len(texts)}" in t for n, t in enumerate(texts[1:], start=2))
    assert "Si te preocupa la seguridad" in last and "800 911 2000" in last and "911" in last
    assert "acompaña la atención de un profesional" in flat(texts[-2])


@pytest.mark.parametrize(("region", "numbers"), [("US", ["988", "911"]), ("CA", ["988", "911"]),
    ("GB", ["116 123", "999"]), ("IE", ["116 123", "112 or 999"]), ("AU", ["13 11 14", "000"]),
    ("ES", ["024", "112"]), ("MX", ["800 911 2000", "911"])])  # fmt: skip
def test_crisis_numbers_by_region(make_pdf: Any, region: str, numbers: list[str]) -> None:
    for lang in ("en", "es"):
        data = manifest(worksheets=["i-statements"], region=region, language=lang)
        last = flat(page_texts(make_pdf(data, f"{lang}.pdf")[0])[-1])
        assert all(n in last for n in numbers if lang == "en" or " or " not in n), (lang, last)


def test_a_manifests_worksheets_list_each_folder_once(monkeypatch: Any) -> None:
    """Finding ten worksheets looks at each folder once (each look is a stat of the folder,
    and a listing when it changed), not once per worksheet, and finds the same files."""
    from workbook import library

    ids = sorted(library.available("es", [library.builtin_dir()]))
    where = [Location(None)] * len(ids)
    looked: list[Any] = []
    names = library._names
    monkeypatch.setattr(library, "_names", lambda folder: looked.append(folder) or names(folder))
    loaded, _ = library.resolve_worksheets(ids, "es", [library.builtin_dir()], where)
    assert len(ids) == 10 and len(looked) == len(set(looked)) <= 2
    assert [item.path for item in loaded] == [
        library.find_path(i, "es", [library.builtin_dir()]) for i in ids
    ]
