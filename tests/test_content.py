"""Content that fits every reader: a section for each relationship (and for parents of minors)
in the five relationship worksheets, in English and Spanish, read back from built PDFs; and
lines that fit a loved one under 18 (a parent's child, a younger sibling, a young friend or
partner) everywhere else, without ever showing one reader two versions of a line."""

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
# More readers with a loved one under 18, for the tests of the other worksheets.
YOUNG_CASES: dict[str, tuple[dict[str, str] | None, str]] = {
    "minor-friend": ({"relationship": "friend", "age_group": "minor"}, "friend"),
    "minor-partner": ({"relationship": "partner", "age_group": "minor"}, "partner"),
}
IS, SCH, SNE = "i-statements", "self-care-and-hope", "support-not-enabling"
EIGHT = [*FIVE, IS, SCH, SNE]  # every worksheet written for a supporter

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

_built: dict[tuple[str, ...], dict[str, str]] = {}


def norm(text: str) -> str:
    return flat(text).replace("\u2019", "'")  # curly apostrophes as typed ones


def titles(cli: Any, lang: str) -> dict[str, str]:
    rows = json.loads(cli("list", "--json", "--lang", lang).output)
    return {row["title"]: row["id"] for row in rows}


def sections(make_pdf: Any, cli: Any, lang: str, case: str,
             sheets: list[str] = FIVE) -> dict[str, str]:  # fmt: skip
    """The worksheets' text, one entry per worksheet id, plus "all" for the whole book."""
    key = (lang, case, *sheets)
    if key not in _built:
        loved, _ = {**CASES, **YOUNG_CASES}[case]
        data = manifest(worksheets=sheets, language=lang)
        if loved is None:
            del data["loved_one"]
        else:
            data["loved_one"] = {"name": "Alex", **loved}
        reader, result = make_pdf(data, f"{lang}-{case}.pdf")
        assert result.warnings == []
        _built[key] = split(reader, titles(cli, lang))
    return _built[key]


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


# Lines with a version for each kind of reader: adults, parents of a minor ("minor-child") and
# anyone else whose loved one is under 18 ("young"). (worksheet, {kind: phrase}); a kind without
# a phrase has no line of its own there. Each reader sees their kind's phrase in that worksheet
# and no other kind's phrase anywhere.
VERSIONS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "en": [
        (IS, {"minor-child": "your child's choice matters",
              "young": "their choice matters, but they should not have to decide this alone"}),
        (SCH, {"adult": "Some people never choose therapy",
               "minor-child": "you keep the job of seeking help for Alex, even when they say no",
               "young": "you are not the only one who can help"}),
        (SCH, {"adult": "I won't keep bringing it up",
               "minor-child": "I'm not going to nag you, and I'm not going to give up on you",
               "young": "I'll help you find an adult we both trust"}),
        (SCH, {"adult": "I'm here, whatever you decide",
               "minor-child": "I'm on your side, and we'll find what helps",
               "young": "I'm here for you, no matter what"}),
        (SCH, {"adult": "whatever Alex decides", "minor-child": "however things go for Alex",
               "young": "however things go for Alex"}),
        (SCH, {"adult": "When, or if, they are ready",
               "minor-child": "When they feel ready to talk",
               "young": "When, or if, they are ready"}),
        (UR, {"adult": "I can tell therapy isn't for you right now",
              "minor-child": "You're not in trouble, and I'm not angry",
              "young": "I can tell you don't want to talk to anyone about this right now"}),
        (CP, {"adult": "Cover the cost of a first session or two",
              "minor-child": "Ask their doctor or the school counselor where to start",
              "young": "Share what you find with their parents or guardians"}),
        (CP, {"adult": "perhaps after a few weeks or months",
              "minor-child": "you don't have to wait for them to come round",
              "young": "If you are worried in the meantime, don't wait: tell a trusted adult"}),
        (OH, {"adult": "I could chip in for a first session",
              "minor-child": "Paying for it is my job, not yours",
              "young": "Money isn't yours to sort out"}),
        (OH, {"adult": "online or after work?", "minor-child": "online or after school?",
              "young": "online or after school?"}),
        (OH, {"adult": "Whatever they decide, you can get help for yourself",
              "minor-child": "However things go, you can get help for yourself",
              "young": "However things go, you can get help for yourself"}),
        (TM, {"adult": "Money and time are getting tight for me",
              "minor-child": "School is keeping me busy", "young": "School is keeping me busy"}),
        (TM, {"adult": "Do you ever work with couples or families?",
              "minor-child": "Do you ever work with families?",
              "young": "Do you ever work with families?"}),
        (TM, {"minor-child": "a parent or guardian usually sets up the change",
              "young": "a parent or guardian usually sets up the change"}),
        (BP, {"adult": "Can I help you find a professional?",
              "minor-child": "Can we talk about what would make it easier to see someone?",
              "young": "Can we talk to an adult we both trust about this?"}),
        (SNE, {"adult": "A support group, in person or online",
               "minor-child": "A group for young people, run by trained adults",
               "young": "A group for young people, run by trained adults"}),
        (SNE, {"adult": "What worries me about stepping back, even a little?",
               "minor-child": "What worries me about sharing the load with others?",
               "young": "What worries me about stepping back, even a little?"}),
        (SNE, {"minor-child": "you can't step back from their safety or their care",
               "young": "you are not meant to be their main support"}),
    ],
    "es": [
        (IS, {"minor-child": "centra la charla en tu preocupación",
              "young": "su decisión importa, pero no debería tomarla sin ayuda"}),
        (SCH, {"adult": "Hay quien nunca elige la terapia",
               "minor-child": "sigues teniendo la tarea de buscar ayuda para Alex",
               "young": "no eres la única persona que puede ayudar"}),
        (SCH, {"adult": "No voy a seguir sacando el tema",
               "minor-child": "No te voy a presionar con esto, y tampoco me voy a rendir contigo",
               "young": "te ayudo a encontrar a un adulto en quien los dos confiemos"}),
        (SCH, {"adult": "aquí estoy, decidas lo que decidas",
               "minor-child": "estoy de tu lado, y vamos a encontrar lo que te ayude",
               "young": "aquí estoy, pase lo que pase"}),
        (SCH, {"adult": "decida lo que decida Alex", "minor-child": "pase lo que pase con Alex",
               "young": "pase lo que pase con Alex"}),
        (SCH, {"adult": "Cuándo llega su momento, si es que llega",
               "minor-child": "Cuándo se siente con ganas de hablar",
               "young": "Cuándo llega su momento, si es que llega"}),
        (UR, {"adult": "Veo que la terapia no es para ti ahora",
              "minor-child": "No estás en problemas, y no te lo digo con enojo",
              "young": "Veo que ahora no quieres hablar de esto con nadie"}),
        (CP, {"adult": "Pagar la primera sesión o las dos primeras",
              "minor-child": "Preguntar a su médico o a la orientación de la escuela por dónde",
              "young": "Compartir lo que encuentres con sus padres o tutores"}),
        (CP, {"adult": "quizá en unas semanas o meses",
              "minor-child": "no tienes que esperar a que cambie de idea",
              "young": "Si mientras tanto te preocupa, no esperes"}),
        (OH, {"adult": "yo podría poner algo para la primera sesión",
              "minor-child": "Pagarlo me toca a mí, no a ti",
              "young": "El dinero no es algo que tengas que resolver tú"}),
        (OH, {"adult": "en línea o después del trabajo?",
              "minor-child": "en línea o después de clases?",
              "young": "en línea o después de clases?"}),
        (OH, {"adult": "Decida lo que decida, tú puedes buscar ayuda para ti",
              "minor-child": "Pase lo que pase, tú puedes buscar ayuda para ti",
              "young": "Pase lo que pase, tú puedes buscar ayuda para ti"}),
        (TM, {"adult": "Se me están complicando el dinero y el tiempo",
              "minor-child": "Con la escuela tengo poco tiempo",
              "young": "Con la escuela tengo poco tiempo"}),
        (TM, {"adult": "¿Trabaja también con parejas o familias?",
              "minor-child": "¿Trabaja también con familias?",
              "young": "¿Trabaja también con familias?"}),
        (TM, {"minor-child": "el cambio suele organizarlo su padre, su madre o su tutor",
              "young": "el cambio suele organizarlo su padre, su madre o su tutor"}),
        (BP, {"adult": "¿Te ayudo a buscar atención profesional?",
              "minor-child": "¿Podemos hablar de qué te haría más fácil ver a alguien?",
              "young": "¿Podemos hablar de esto con un adulto en quien los dos confiemos?"}),
        (SNE, {"adult": "Un grupo de apoyo, en persona o en línea",
               "minor-child": "Un grupo para jóvenes, guiado por adultos con formación",
               "young": "Un grupo para jóvenes, guiado por adultos con formación"}),
        (SNE, {"adult": "¿Qué me preocupa de dar un paso atrás, aunque sea pequeño?",
               "minor-child": "¿Qué me preocupa de repartir la carga con otras personas?",
               "young": "¿Qué me preocupa de dar un paso atrás, aunque sea pequeño?"}),
        (SNE, {"minor-child": "no puedes dar un paso atrás en su seguridad",
               "young": "no te toca ser su apoyo principal"}),
    ],
}  # fmt: skip
KINDS = {"partner": "adult", "adult-child": "adult", "sibling": "adult", "friend": "adult",
         "minor-child": "minor-child", "minor-sibling": "young", "minor-friend": "young",
         "minor-partner": "young"}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("case", list(KINDS))
def test_one_version_of_each_line_for_each_reader(make_pdf: Any, cli: Any, lang: str,
                                                 case: str) -> None:  # fmt: skip
    """A parent of a 12-year-old, a 16-year-old's older sibling, a young friend or partner and
    adults each get the line that fits them, and never another reader's version of it."""
    text = sections(make_pdf, cli, lang, case, EIGHT)
    kind = KINDS[case]
    for sheet, versions in VERSIONS[lang]:
        mine = versions.get(kind)
        if mine is not None:
            assert norm(mine) in text[sheet], (sheet, mine)
        for other, phrase in versions.items():
            if phrase != mine:
                assert norm(phrase) not in text["all"], (sheet, other, phrase)


# i-statements with a friend: an adult friend's choice is theirs; a young friend's choice
# matters, and a trusted adult can help.
FRIEND = {
    "en": {"adult": ["Say it clearly once, then leave the choice with your friend.",
                     "I would like to help you find someone to talk to, if you want that."],
           "young": ["Say it clearly once, then listen to what your friend wants.",
                     "like the school counselor or another adult you trust",
                     "their choice matters",
                     "A trusted adult, such as a parent, a guardian or a school counselor"]},
    "es": {"adult": ["Dilo con claridad una vez y luego deja la decisión en sus manos.",
                     "ayudarte a encontrar a alguien con quien hablar, si tú quieres."],
           "young": ["Dilo con claridad una vez y luego escucha lo que quiere tu amigo o amiga.",
                     "como la orientación de la escuela u otro adulto de confianza",
                     "su decisión importa",
                     "Un adulto de confianza, como su padre, su madre, su tutor"]},
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("case", ["friend", "minor-friend"])
def test_a_young_friend_is_not_left_to_choose_alone(make_pdf: Any, cli: Any, lang: str,
                                                   case: str) -> None:  # fmt: skip
    text = sections(make_pdf, cli, lang, case, EIGHT)
    kind, other = ("young", "adult") if case == "minor-friend" else ("adult", "young")
    for phrase in FRIEND[lang][kind]:
        assert norm(phrase) in text[IS], phrase
    for phrase in FRIEND[lang][other]:
        assert norm(phrase) not in text["all"], phrase


# Partner branches: couples therapy for an adult partner; for a partner under 18, a trusted
# adult or school counsellor instead, with the advice about not controlling another person kept
# (and said again where a couples line went).
PARTNER: dict[str, dict[str, list[tuple[str, str]]]] = {
    "en": {"adult": [(IS, "a few sessions with a couples counselor"),
                     (UR, "If couples therapy is the idea"), (CP, "A few couples sessions"),
                     (OH, "Couples therapy, or a few trial sessions together"),
                     (TM, "Couples therapy is an option too"),
                     (SNE, "suggest a few couples sessions"),
                     (BP, "I'm going to start seeing someone myself"),
                     (SCH, "Your own therapist is a good place to think that through")],
           "minor": [(IS, "talk it over with an adult we both trust, like a school counselor"),
                     (UR, "you and that adult will team up against them"),
                     (CP, "Talking together with an adult you both trust"),
                     (OH, "Offering to talk together with an adult you both trust"),
                     (TM, "With a partner under 18, start with a trusted adult"),
                     (SNE, "suggest talking together with an adult you both trust"),
                     (BP, "I'm going to talk to the school counselor"),
                     (SCH, "is a good person to think it through with"),
                     (SCH, "You can't make another person change"),
                     (TM, "you can't make that choice for them")],
           "control": [(OH, "A yes given under threat rarely lasts"),
                       (BP, "Limits with a partner are not a step away from the relationship"),
                       (SNE, "then let your partner decide")]},
    "es": {"adult": [(IS, "unas sesiones de terapia de pareja"),
                     (UR, "Si la idea es ir a terapia de pareja"),
                     (CP, "Unas cuantas sesiones de pareja"),
                     (OH, "La terapia de pareja, o unas sesiones de prueba en pareja"),
                     (TM, "La terapia de pareja también es una opción"),
                     (SNE, "propón unas cuantas sesiones de pareja"),
                     (BP, "Voy a empezar a ir a terapia"),
                     (SCH, "Tu propia terapia es un buen lugar para pensarlo")],
           "minor": [(IS, "que lo habláramos con un adulto en quien los dos confiemos"),
                     (UR, "tú y esa persona hagan equipo en su contra"),
                     (CP, "Hablar en conjunto con un adulto en quien los dos confíen"),
                     (OH, "Proponer que hablen en conjunto con un adulto"),
                     (TM, "Con una pareja menor de edad, empieza por un adulto de confianza"),
                     (SNE, "propón hablar en conjunto con un adulto en quien los dos confíen"),
                     (BP, "Voy a hablar con la orientación de la escuela"),
                     (SCH, "puede ayudarte a pensarlo"),
                     (SCH, "No puedes obligar a otra persona a cambiar"),
                     (TM, "esa decisión no te toca tomarla por tu pareja")],
           "control": [(OH, "Un sí dado bajo amenaza rara vez dura"),
                       (BP, "Poner límites con tu pareja no es alejarte de la relación"),
                       (SNE, "luego deja que tu pareja decida")]},
}  # fmt: skip
NO_COUPLES = {"en": ["couple"],
              "es": ["terapia de pareja", "sesiones de pareja", "parejas o familias"]}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("case", ["partner", "minor-partner"])
def test_couples_therapy_only_for_an_adult_partner(make_pdf: Any, cli: Any, lang: str,
                                                  case: str) -> None:  # fmt: skip
    text = sections(make_pdf, cli, lang, case, EIGHT)
    kind, other = ("minor", "adult") if case == "minor-partner" else ("adult", "minor")
    for sheet, phrase in PARTNER[lang][kind] + PARTNER[lang]["control"]:
        assert norm(phrase) in text[sheet], (sheet, phrase)
    for sheet, phrase in PARTNER[lang][other]:
        assert norm(phrase) not in text["all"], (sheet, phrase)
    if case == "minor-partner":
        for word in NO_COUPLES[lang]:
            assert word not in text["all"].casefold(), word
