"""Content that fits every reader: a section for each relationship (and for parents of minors)
in the five relationship worksheets, in English and Spanish, read back from built PDFs."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import body, flat, manifest, page_texts

FIVE = ["understanding-resistance", "conversation-plan", "objection-handling",
        "therapist-matching", "boundary-planning"]  # fmt: skip
UR, CP, OH, TM, BP = FIVE
BRANCHES = ["partner", "parent", "friend", "sibling", "adult-child", "minor-child", "other"]

# The readers: the loved_one each one's manifest gives, and the branch whose text they should see.
CASES: dict[str, tuple[dict[str, str] | None, str]] = {
    "partner": ({"relationship": "partner"}, "partner"),
    "parent": ({"relationship": "parent"}, "parent"),
    "friend": ({"relationship": "friend"}, "friend"),
    "sibling": ({"relationship": "sibling"}, "sibling"),
    "adult-child": ({"relationship": "child"}, "adult-child"),
    "minor-child": ({"relationship": "child", "age_group": "minor"}, "minor-child"),
    "other": ({"relationship": "other"}, "other"),
    "minor-sibling": ({"relationship": "sibling", "age_group": "minor"}, "sibling"),
    "no-loved-one": (None, "other"),  # a workbook just for the reader: relationship "other"
}
MINOR_NOT_CHILD = {"minor-sibling"}  # cases that also see the "young person" text

# One phrase per worksheet and branch that only that branch's reader sees.
MARKERS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        UR: {"partner": "team up against them",
             "parent": "proof that they failed as a parent",
             "friend": "fear being labeled unstable",
             "sibling": "old family roles can get in the way",
             "adult-child": "your worry can sound like parenting them again",
             "minor-child": "Young people say no for their own reasons",
             "other": "how your worry lands from where you stand",
             "young": "the adults who care for them"},
        CP: {"partner": "With a partner, speak as a team",
             "parent": "honoring what your parent has carried",
             "friend": "Between friends, one clear, kind talk",
             "sibling": "speak as an equal, not as a parent or a judge",
             "adult-child": "speak as one adult to another",
             "minor-child": "With a child or teen, you can set up care",
             "other": "Think about your place in",
             "young": "Think about which adult in their life to tell"},
        OH: {"partner": "Talking with a partner",
             "parent": "Talking with a parent",
             "friend": "Talking with a friend",
             "sibling": "Talking with a brother or sister",
             "adult-child": "Talking with your grown child",
             "minor-child": "Talking with your child",
             "other": "Think about where you stand",
             "young": "That is not going behind their back"},
        TM: {"partner": "Couples therapy is an option too",
             "parent": "If you are helping your parent",
             "friend": "If you are helping your friend",
             "sibling": "If you are helping your brother or sister",
             "adult-child": "If you are helping your grown child",
             "minor-child": "handles privacy with young people",
             "other": "practical help counts most",
             "young": "a parent or guardian will usually need to agree"},
        BP: {"partner": "start seeing someone myself",
             "parent": "A limit with a parent can feel like talking back",
             "friend": "they can't absorb a whole crisis every night",
             "sibling": "limits can stir up old family roles",
             "adult-child": "Setting limits with your grown child",
             "minor-child": "With a child or teen, limits look different",
             "other": "it is fair to keep your role small",
             "young": "Telling is not betrayal"},
    },
    "es": {
        UR: {"partner": "hagan equipo en su contra",
             "parent": "la prueba de que falló en la crianza",
             "friend": "que la tachen de inestable",
             "sibling": "los viejos papeles de la familia pueden estorbar",
             "adult-child": "vuelves a hacer de padre o madre",
             "minor-child": "Los chicos y chicas tienen sus propias razones",
             "other": "desde el lugar que ocupas",
             "young": "los adultos que le cuidan"},
        CP: {"partner": "Con tu pareja, habla como equipo",
             "parent": "reconocer todo lo que tu padre o tu madre ha cargado",
             "friend": "suele bastar con una conversación clara y amable",
             "sibling": "habla de igual a igual, no como si fueras su",
             "adult-child": "habla de adulto a adulto",
             "minor-child": "puedes organizar su atención",
             "other": "Piensa en el lugar que ocupas en la vida de",
             "young": "Piensa a qué adulto de su vida contárselo"},
        OH: {"partner": "Si hablas con tu pareja",
             "parent": "Si hablas con tu padre o tu madre",
             "friend": "Si se trata de una amistad",
             "sibling": "Si hablas con tu hermano o hermana",
             "adult-child": "Si hablas con tu hijo o hija mayor de edad",
             "minor-child": "Si hablas con tu hijo o hija menor de edad",
             "other": "tienen menos peso que la familia cercana",
             "young": "Eso no es actuar a sus espaldas"},
        TM: {"partner": "La terapia de pareja también es una opción",
             "parent": "Si ayudas a tu padre o tu madre",
             "friend": "Si ayudas a un amigo o una amiga",
             "sibling": "Si ayudas a tu hermano o hermana",
             "adult-child": "Si ayudas a tu hijo o hija mayor de edad",
             "minor-child": "Pregunta cómo maneja la privacidad con menores",
             "other": "lo práctico es lo que más cuenta",
             "young": "tendrá que autorizar la atención"},
        BP: {"partner": "Voy a empezar a ir a terapia",
             "parent": "Poner un límite a tu padre o tu madre",
             "friend": "no puedes absorber una crisis entera cada noche",
             "sibling": "los límites pueden despertar viejos papeles",
             "adult-child": "Poner límites a tu hijo o hija mayor de edad",
             "minor-child": "los límites son distintos",
             "other": "es justo que tu papel sea pequeño",
             "young": "Contarlo no es traicionar a nadie"},
    },
}  # fmt: skip

# Lines that assume an adult's free choice: never shown to a reader whose loved one is a minor.
ADULT_CHOICE = {
    "en": ["only they can choose that", "The choice is theirs", "It's your call",
           "The choice belongs to", "leave the final choice to them"],
    "es": ["esa decisión no es tuya", "La decisión es suya",
           "Es tu decisión y la voy a respetar", "La decisión es de Alex",
           "deja la decisión final en sus manos"],
}  # fmt: skip
# What a parent of a minor needs: consent and their role, school counsellors, doctors, family
# therapy, and the young person's say.
MINOR_CHILD = {
    "en": {UR: ["give consent for their care", "Their fears and wishes are worth hearing"],
           CP: ["Decide together where you can", "pediatrician or family doctor",
                "school counselor", "Family therapy"],
           OH: ["a parent can consent to care for a minor", "their say matters",
                "Where to start with a young person", "school counselor"],
           TM: ["you will usually give consent", "give them a real voice", "pediatrician",
                "The school counselor", "Family therapy"],
           BP: ["give consent", "family therapist"]},
    "es": {UR: ["dar tu consentimiento para su atención", "Vale la pena escuchar sus miedos"],
           CP: ["Decidan en conjunto lo que se pueda", "Su pediatra o su médico de cabecera",
                "la orientación de la escuela", "La terapia familiar"],
           OH: ["dar su consentimiento para la atención de un menor", "su opinión cuenta",
                "Por dónde empezar con un menor", "La orientación de la escuela"],
           TM: ["tú darás el consentimiento", "dale voz de verdad", "pediatra",
                "La orientación de la escuela", "La terapia familiar"],
           BP: ["dar tu consentimiento", "terapia familiar"]},
}  # fmt: skip
# Advice for everyone, whatever the relationship: (worksheet, phrase).
FOR_EVERYONE = {
    "en": {"ultimatums": [(OH, "ultimatums"), (BP, "A boundary is not an ultimatum")],
           "own therapy": [(OH, "Seeing a therapist of your own can help you cope"),
                           (BP, "Seeing a therapist yourself can help you cope")],
           "stories": [(CP, "Share what you know"), (CP, "If you have been to therapy yourself")],
           "honest impact": [(CP, "It is fair to be honest about how things are affecting")],
           "coming back": [(CP, "Come back to it"), (CP, "check in now and then")],
           "compelled": [(OH, "Can someone be made to get help?"),
                         (OH, "A court can also order treatment, which makes it a legal duty"),
                         (OH, "These steps are for emergencies"),
                         (OH, "If someone is in danger now"),
                         (OH, "The crisis page at the end of this workbook")],
           "confidentiality": [(OH, "at serious risk of harm, a therapist may have to act")],
           "professionals": [(TM, "There is no wrong door"),
                             (TM, "a psychiatrist can be the right first step")]},
    "es": {"ultimatums": [(OH, "ultimátums"), (BP, "Un límite no es un ultimátum")],
           "own therapy": [(OH, "Ir a terapia por tu cuenta puede ayudarte a sobrellevar"),
                           (BP, "Tu propia terapia puede ayudarte a sobrellevarlo")],
           "stories": [(CP, "Comparte lo que sabes"), (CP, "Si tú has ido a terapia")],
           "honest impact": [(CP, "decir con sinceridad cómo les está afectando esto")],
           "coming back": [(CP, "Vuelve a intentarlo más adelante"),
                           (CP, "vuelve a preguntar de vez en cuando")],
           "compelled": [(OH, "¿Se puede obligar a alguien a recibir ayuda?"),
                         (OH, "Un juez también puede ordenar un tratamiento"),
                         (OH, "Estas medidas son para emergencias"),
                         (OH, "Si alguien está en peligro ahora"),
                         (OH, "La página de crisis, al final de este cuaderno")],
           "confidentiality": [(OH, "si alguien corre un riesgo grave de sufrir daño")],
           "professionals": [(TM, "No hay una puerta equivocada"),
                             (TM, "psiquiatría puede ser el primer paso indicado")]},
}  # fmt: skip

_built: dict[tuple[str, str], dict[str, str]] = {}


def norm(text: str) -> str:
    return flat(text).replace("\u2019", "'")  # curly apostrophes as typed ones


def titles(cli: Any, lang: str) -> dict[str, str]:
    rows = json.loads(cli("list", "--json", "--lang", lang).output)
    return {row["title"]: row["id"] for row in rows}


def sections(make_pdf: Any, cli: Any, lang: str, case: str) -> dict[str, str]:
    """The five worksheets' text, one entry per worksheet id, plus "all" for the whole book."""
    if (lang, case) not in _built:
        loved, _ = CASES[case]
        data = manifest(worksheets=FIVE, language=lang)
        if loved is None:
            del data["loved_one"]
        else:
            data["loved_one"] = {"name": "Alex", **loved}
        reader, result = make_pdf(data, f"{lang}-{case}.pdf")
        assert result.warnings == []
        _built[lang, case] = split(reader, titles(cli, lang))
    return _built[lang, case]


def split(reader: PdfReader, by_title: dict[str, str]) -> dict[str, str]:
    pages = page_texts(reader)
    starts = [(reader.get_destination_page_number(item), item.title)
              for item in reader.outline if not isinstance(item, list)]  # fmt: skip
    starts.append((len(pages), ""))
    out = {"all": norm(" ".join(body(p) for p in pages))}
    for (start, title), (end, _) in pairwise(starts):
        if title in by_title:
            out[by_title[title]] = norm(" ".join(body(p) for p in pages[start:end]))
    assert set(FIVE) <= set(out), sorted(out)
    return out


def params() -> list[Any]:
    return [
        pytest.param(lang, case, id=f"{lang}-{case}") for lang in ("en", "es") for case in CASES
    ]


@pytest.mark.parametrize(("lang", "case"), params())
def test_every_reader_gets_a_section_of_their_own(make_pdf: Any, cli: Any, lang: str,
                                                 case: str) -> None:  # fmt: skip
    text = sections(make_pdf, cli, lang, case)
    _, branch = CASES[case]
    for sheet in FIVE:
        markers = MARKERS[lang][sheet]
        assert norm(markers[branch]) in text[sheet], (sheet, branch)
        for other in BRANCHES:
            if other != branch:
                assert norm(markers[other]) not in text["all"], (sheet, other)
        young = norm(markers["young"]) in text[sheet]
        assert young == (case in MINOR_NOT_CHILD), (sheet, "young person text")


@pytest.mark.parametrize(("lang", "case"), params())
def test_advice_for_everyone(make_pdf: Any, cli: Any, lang: str, case: str) -> None:
    text = sections(make_pdf, cli, lang, case)
    for topic, places in FOR_EVERYONE[lang].items():
        for sheet, phrase in places:
            assert norm(phrase).casefold() in text[sheet].casefold(), (topic, sheet, phrase)
    old = ("Sessions are confidential, and" if lang == "en"
           else "Las sesiones son confidenciales, y")  # fmt: skip
    assert old not in text["all"]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("case", ["minor-child", "minor-sibling"])
def test_minors_are_not_told_the_choice_is_theirs_alone(make_pdf: Any, cli: Any, lang: str,
                                                       case: str) -> None:  # fmt: skip
    text = sections(make_pdf, cli, lang, case)
    for line in ADULT_CHOICE[lang]:
        assert norm(line) not in text["all"], line
    if case == "minor-child":
        for sheet, phrases in MINOR_CHILD[lang].items():
            for phrase in phrases:
                assert norm(phrase) in text[sheet], (sheet, phrase)
        no_push = (["I won't keep pushing", "and I won't push"] if lang == "en"
                   else ["No voy a insistir más", "y no voy a insistir"])  # fmt: skip
        assert not [line for line in no_push if line in text["all"]]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_adults_keep_their_free_choice(make_pdf: Any, cli: Any, lang: str) -> None:
    for case in ("partner", "adult-child", "sibling"):
        text = sections(make_pdf, cli, lang, case)
        for line in ADULT_CHOICE[lang]:
            assert norm(line) in text["all"], (case, line)
        for phrases in MINOR_CHILD[lang].values():
            assert norm(phrases[0]) not in text["all"], (case, phrases[0])
