"""Sentences are cleaned for the ear before they are spoken: the debris of print and markup that was read
aloud before (citation markers, footnote and enumeration numbers, glyph names, code) is taken out, or the
sentence is left out when no honest rewrite remains; nothing is ever added."""

from __future__ import annotations

import pytest

from animagenius.pipeline.script.clean import spoken, with_its_name
from animagenius.pipeline.script.language import phrases_for

EN = phrases_for("en")


@pytest.mark.parametrize(
    ("written", "heard"),
    [
        (
            "Python was created by Guido van Rossum [12] and first released in 1991 [3, 4].",
            "Python was created by Guido van Rossum and first released in 1991.",
        ),
        (
            "It mirrors the style guidelines for the C code in the C implementation of Python <7>.",
            "It mirrors the style guidelines for the C code in the C implementation of Python.",
        ),
        (
            "Street trees lower summer temperatures by up to 3 °C (Smith et al., 2019; Chen 2021).",
            "Street trees lower summer temperatures by up to 3 °C.",
        ),
        (
            "The shade of mature trees reduces the energy used for cooling (37) in most cities.",
            "The shade of mature trees reduces the energy used for cooling in most cities.",
        ),
        (
            "To apply, you must 1) sign the form and 2) date it before sending it back.",
            "To apply, you must sign the form and date it before sending it back.",
        ),
        (
            "The interpreter records the loop as a trace tree (see Figure 3) before compiling it.",
            "The interpreter records the loop as a trace tree before compiling it.",
        ),
        (
            "This is a proposal for creating a way to assign to variables within an expression using the "
            "notation NAME := expr.",
            "This is a proposal for creating a way to assign to variables within an expression.",
        ),
        (
            "The viewer's history [edit] began in 2011 as a Mozilla Labs project.",
            "The viewer's history began in 2011 as a Mozilla Labs project.",
        ),
        (
            "We ask (i) how much shade trees give and (ii) how much energy they save in summer.",
            "We ask how much shade trees give and how much energy they save in summer.",
        ),
        (
            "S 3706 Quiconque se rend coupable de fraude est passible de pénalités financières.",
            "Quiconque se rend coupable de fraude est passible de pénalités financières.",
        ),
        (
            "A type variable may specify an upper bound using bound=<type>.",
            "A type variable may specify an upper bound.",
        ),
        (
            "However, the compiler specialises each trace for the types it actually observes.",
            "The compiler specialises each trace for the types it actually observes.",
        ),
    ],
)
def test_debris_is_taken_out_and_the_rest_kept_word_for_word(written: str, heard: str) -> None:
    assert spoken(written, EN) == heard


@pytest.mark.parametrize(
    "written",
    [
        "Code:int # No space after colon.",  # a code comment from a table of examples
        "Use the call spam(ham[1], {eggs: 2}) in your examples.",
        "The report is written to build/coverage in the lcov.info format.",
        "Calling fp.readline in the while condition makes the code more compact.",
        "Gal, A., Eich, B. Trace-based compilation. In Proceedings of PLDI 2009, pp. 465-478.",
        "Journal of Urban Forestry 9(37), 2019, doi 10.1000/182.",
        "Date de naissance ______ n° d'immatriculation.",
        "Figure 3 shows how the trace tree grows as new paths are recorded.",
        "The results are listed below.",
        "Please see the companion PEP describing style guidelines for the C code.",
        # glyph names a PDF font left instead of letters: taking them out would leave a hole ("a of heat")
        "Every page was typeset with care by /g18/g152 the printers of the journal.",
        "The laundry supplies a fixed o/g21ce of heat all year round.",
        "5. ^ a b pdfjs-dist. npm registry.",
        "* Corresponding author.",
        "Please contact @harbour-archive for a copy of the full log.",
    ],
)
def test_a_sentence_made_of_debris_is_left_out(written: str) -> None:
    assert spoken(written, EN) is None


def test_a_sentence_about_the_listing_just_before_it_is_left_out() -> None:
    """After a dropped code sample, "Now LinkedList[int] is a valid type" points at what is not shown; the
    same words elsewhere stand on their own."""
    after = "Now the generic class is a valid type that the checker accepts everywhere."

    assert spoken(after, EN, after_code=True) is None
    assert spoken(after, EN, after_code=False) == after
    assert spoken("Now LinkedList[int] is a valid type.", EN) is None


def test_other_languages_have_their_own_connectives() -> None:
    french = phrases_for("fr")

    assert spoken("Cependant, le viaduc reste ouvert par grand vent [4].", french) == (
        "Le viaduc reste ouvert par grand vent."
    )
    assert spoken("Voir le tableau ci-dessous pour les détails du chantier.", french) is None


@pytest.mark.parametrize(
    ("sentence", "after", "heard"),
    [
        (
            "It is developed by Mozilla together with volunteers.",
            "PDF.js is an open-source JavaScript library and viewer.",
            "PDF.js is developed by Mozilla together with volunteers.",
        ),
        ("It was released in 2011.", "Git is a version control system.", "Git was released in 2011."),
        ("It is important to note that lines wrap.", "PDF.js is a viewer.", None),  # an "it" for nothing
        ("It is developed by Mozilla.", "The library is a viewer.", None),  # "the library": not a name
        ("It is developed by Mozilla.", "We present a viewer.", None),
    ],
)
def test_it_is_said_by_its_name_when_the_sentence_before_names_it(
    sentence: str, after: str, heard: str | None
) -> None:
    assert with_its_name(sentence, after, EN) == heard
