"""Which text layers read as words: every real page of the corpus does, with room to spare; unmapped fonts'
glyph names, shifted letters and made-up words do not. Debris inside a readable page is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from animagenius.pipeline.domain import Provenance
from animagenius.pipeline.ingest.legibility import (
    MAX_DEBRIS_SHARE,
    MIN_KNOWN_SHARE,
    MIN_WORDS_TO_JUDGE,
    legibility,
    unreadable_pages_notices,
    without_debris,
)
from animagenius.pipeline.ingest.pdf import read_pdf

TEXT_PDFS = [
    "tracemonkey.pdf",
    "basicapi.pdf",
    "issue1905.pdf",
    "issue6127.pdf",
    "ArabicCIDTrueType.pdf",
    "mixedfonts.pdf",
    "structure_simple.pdf",
    "bug1937438_from_word.pdf",
    "doc_3_3_pages.pdf",
]


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.mark.parametrize("name", TEXT_PDFS)
def test_every_page_of_the_corpus_reads_as_words_with_a_margin(corpus: Path, name: str) -> None:
    for number, text in enumerate(page_texts(corpus / "pdf" / name), start=1):
        verdict = legibility(text)

        assert verdict.readable, f"{name} page {number}: {verdict}"
        assert verdict.debris_share <= MAX_DEBRIS_SHARE - 0.03, f"{name} page {number}: {verdict}"
        if verdict.words >= MIN_WORDS_TO_JUDGE:  # names, numbers and acronyms do not sink a real page
            assert verdict.known_share >= MIN_KNOWN_SHARE + 0.15, f"{name} page {number}: {verdict}"


def test_unmapped_fonts_do_not_read_as_words(unmapped: Path) -> None:
    readable, glyph_names, shifted, noise, columns, shuffled = map(legibility, page_texts(unmapped))

    assert readable.readable
    for verdict in (glyph_names, noise, columns):  # "/g161/g790/g984…"
        assert not verdict.readable
        assert verdict.debris_share > 5 * MAX_DEBRIS_SHARE
    assert not shifted.readable  # "5HDGLQJ\x03WKH\x03KDUERXU": glyph numbers, 29 below the letters
    assert shifted.known_share < MIN_KNOWN_SHARE - 0.15
    assert not shuffled.readable  # "Lhoyqwya swvpu hy qei tzvue": letters, but no words
    assert shuffled.debris == 0 and shuffled.known_share < MIN_KNOWN_SHARE - 0.3


def test_shifted_words_do_not_read_as_words_even_with_real_spaces(unmapped: Path) -> None:
    text = page_texts(unmapped)[2].replace("\x03", " ").replace("\x11", " ")
    verdict = legibility(text)

    assert verdict.debris == 0
    assert not verdict.readable
    assert verdict.known_share < MIN_KNOWN_SHARE - 0.15


def test_made_up_words_read_by_ocr_are_not_words() -> None:
    verdict = legibility(
        "Erbezge rrzvgkrdw cjncqpute znqkanlsb lbplsyamh rghq biczig trrreivjl fkdssz kabyla " * 2
    )

    assert not verdict.readable


def test_a_language_without_a_dictionary_is_not_judged_by_its_words() -> None:
    welsh = (
        "Mae gan bawb hawl i gael addysg. Dylai addysg fod yn rhad ac am ddim, o leiaf yn y graddau "
        "elfennol a sylfaenol. Dylai addysg elfennol fod yn orfodol."
    )
    assert legibility(welsh).readable


def test_debris_is_dropped_and_the_rest_kept() -> None:
    text = (
        "Le (YRLU\x03\x03QRWLFH\x03\x03HW)/onesansinv /twosansinv signe, oui/L50776 (2) \ue000 puis "
        "/g18/g152/g3 voir https://www.ameli.fr/assure/droits and/or /usr/bin \ufffd fin."
    )

    assert without_debris(text, language="fr") == (
        "Le signe, oui (2) puis voir https://www.ameli.fr/assure/droits and/or /usr/bin fin."
    )


def test_a_run_of_shifted_words_is_dropped_short_ones_included() -> None:
    text = "We check WKH WLGH WDEOHV EHIRUH WKH tide turns, as NASA and the BBC do."

    assert without_debris(text) == "We check tide turns, as NASA and the BBC do."


def test_french_form_loses_its_debris_and_keeps_its_sentences(corpus: Path) -> None:
    document = read_pdf(corpus / "pdf/issue6127.pdf")
    text = " ".join(block.text for block in document.blocks)

    assert document.unreadable_pages == ()
    for debris in ("/onesansinv", "/twosansinv", "/L50776", "YRLU", "QRWLFH", "HQJDJH", "SUpVHQWH"):
        assert debris not in text
    assert not any(ord(character) < 32 for character in text), "no control characters"
    assert "Ce formulaire permet de demander le rattachement à un(e) assuré(e)" in text
    assert "La demande de rattachement peut être effectuée à tout moment" in text
    assert "Je vis maritalement avec l'assuré(e)" in text


def test_notice_names_the_pages_left_out() -> None:
    pages = [Provenance(file="paper.pdf", page=number) for number in (12, 3, 4, 5, 6, 7)]
    pages.append(Provenance(file="notes.pdf", page=2))

    assert unreadable_pages_notices(pages) == [
        "Pages 3–7 and 12 of paper.pdf have no readable text, even by OCR; they are left out of the script.",
        "Page 2 of notes.pdf has no readable text, even by OCR; it is left out of the script.",
    ]
    assert unreadable_pages_notices([Provenance(file="a.pdf", page=n) for n in (1, 3, 5)]) == [
        "Pages 1, 3 and 5 of a.pdf have no readable text, even by OCR; they are left out of the script."
    ]
    assert unreadable_pages_notices([]) == []
