"""The scenes around the document's own sentences: the hook, the bridges between sections, the recap and
the closing, in each style's structure and the document's language.

- explainer: "What is X?" and the document's own defining sentence; "First: …", "Next: …" bridges; a recap
  of the topics; the document's concluding sentence, else a short closing line;
- summary: the main point straight away, no bridges, denser scenes, a short recap and the conclusion;
- lesson: learning goals with the definition, bridges, a check question before the recap, and an invitation
  to explain it back;
- promo: the document's strongest promise first, then what it is, and a call to discover it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from animagenius.pipeline.domain import ScriptRequest, ScriptStyle, speaking_time_s
from animagenius.pipeline.script.analyse import ProseSection
from animagenius.pipeline.script.bullets import complete
from animagenius.pipeline.script.candidates import Candidate
from animagenius.pipeline.script.clean import looks_like_code
from animagenius.pipeline.script.fit import Part
from animagenius.pipeline.script.headings import clean_heading
from animagenius.pipeline.script.language import Phrases
from animagenius.pipeline.script.terms import Term, common

HOOK_SHARE, HOOK_MAX_S = 0.2, 14.0
CLOSING_SHARE, CLOSING_MAX_S = 0.12, 10.0
RECAP_ITEMS, GOAL_ITEMS = 4, 3
CENTRAL_TERMS = 5
RECAP_TERMS = 12  # the heaviest key terms a recap may name
SUBJECT_MAX_WORDS = 6
HOOK_OPENING_SENTENCES = 12  # documents state their subject early

_QUESTION_WORD = re.compile(
    r"(?:why|how|what|when|where|which|who|pourquoi|comment|quand|quoi|warum|wie|was|wann|wo|welche|"
    r"por ?qué|cómo|qué|cuándo|perché|come|cosa|quando|porque|como|waarom|hoe|wat|wanneer)\b",
    re.I,
)
_PRONOUN_SUBJECT = re.compile(r"^(?:it|this|that|these|those|they|he|she|we|there|here|which)\b", re.I)


@dataclass(frozen=True)
class Frame:
    """What the framing scenes are made of."""

    phrases: Phrases
    request: ScriptRequest
    title: str
    definition: Candidate | None  # the document's own sentence saying what its subject is
    subject: str | None  # a short name for that subject ("PDF.js"), if it has one
    plural: bool  # the subject is a plural ("assignment expressions are …")

    @property
    def style(self) -> ScriptStyle:
        return self.request.style

    def seconds(self, text: str) -> float:
        return speaking_time_s(text, words_per_minute=self.request.words_per_minute) if text else 0.0


def frame_for(
    candidates: list[Candidate], *, title: str, terms: list[Term], phrases: Phrases, request: ScriptRequest
) -> Frame:
    definition = _definition(candidates, title=title, terms=terms, phrases=phrases)
    subject, plural = None, False
    if definition is not None:
        for pattern in phrases.defining:
            found = pattern.match(definition.text)
            if found and _names_a_subject(found["subject"], phrases):
                subject = _mid_sentence(found["subject"], phrases)
                plural = found["verb"] in ("are", "sont", "sind", "son", "sono", "são", "zijn", "maken")
                break
    return Frame(phrases, request, title, definition, subject, plural)


def _definition(
    candidates: list[Candidate], *, title: str, terms: list[Term], phrases: Phrases
) -> Candidate | None:
    """The sentence that best says what the document is about: "X is a …" naming the title's subject or a
    key term, or the document introducing itself ("This PEP proposes …"), early in the document."""
    telling = {stem for term in terms[:6] for stem in term.stems} | {
        phrases.stem(word) for word in re.findall(r"[^\W_][\w.+#-]*", title)
    }
    best: tuple[float, Candidate] | None = None
    for rank, candidate in enumerate(candidates[:200]):
        if candidate.needs_context or len(candidate.text.split()) > 40:
            continue
        defines = any(
            (found := p.match(candidate.text))
            and _names_a_subject(found["subject"], phrases)
            and _opens_with(found["subject"], telling, phrases)
            for p in phrases.defining
        )
        introduces = bool(phrases.self_introduction.match(candidate.text))
        if not defines and not introduces:
            continue
        value = (2.0 if defines else 1.5) / (1 + rank / 40) + candidate.score
        if best is None or value > best[0]:
            best = (value, candidate)
    return best[1] if best else None


def _opens_with(subject: str, telling: set[str], phrases: Phrases) -> bool:
    """The subject's first word after any article is one the title or a key term uses ("Hoje Lisboa", with
    "today" first, is not the subject of "História de Lisboa")."""
    words = [word for word in subject.split() if word.lower() not in phrases.determiners]
    return bool(words) and phrases.stem(words[0].strip('«»"“”')) in telling


def _names_a_subject(subject: str, phrases: Phrases) -> bool:
    """A name or a noun phrase: not a pronoun, not a clause ("Naming the result of…")."""
    words = subject.split()
    return (
        0 < len(words) <= SUBJECT_MAX_WORDS
        and not _PRONOUN_SUBJECT.match(subject)
        and not (phrases.code == "en" and words[0].lower().endswith("ing"))
        and not phrases.leans_back.match(subject)
        and not phrases.self_introduction.match(f"{subject} is")
    )


def _mid_sentence(subject: str, phrases: Phrases) -> str:
    """ "The Zen of Python" said after "What is": the article in lower case, names as written."""
    first, _, rest = subject.partition(" ")
    if first.lower() in phrases.determiners and rest:
        return f"{first.lower()} {rest}"
    return subject


# ---------------------------------------------------------------- the framing scenes


def hook(frame: Frame, candidates: list[Candidate]) -> Part:
    """The opening scene: the document's own statement of what it is (or, for a promo, its promise)."""
    # a table's data opens only a document with nothing else to say, and then only its first table
    said = [c for c in candidates if not c.sentence.data] or [
        c for c in candidates if c.block == candidates[0].block
    ]
    opening = [c for c in said if not c.needs_context][:HOOK_OPENING_SENTENCES]
    ranked = sorted(opening, key=lambda c: -c.score * (1 + 1 / (1 + opening.index(c) / 2)))
    first: list[Candidate] = []
    if frame.style == "promo":
        promises = [c for c in candidates if frame.phrases.benefit.search(c.text) and not c.needs_context]
        first += sorted(promises, key=lambda c: -c.score)[:2]
    if frame.definition is not None:
        first.append(frame.definition)
    lead = ""
    if frame.style == "explainer" and frame.subject and frame.definition is not None:
        lead = frame.phrases.question(frame.subject, plural=frame.plural)
    target = frame.request.target_duration_s
    return Part(
        role="hook",
        title=frame.title,
        lead=lead,
        lead_s=frame.seconds(lead),
        candidates=list(dict.fromkeys([*first, *ranked])),
        budget_s=min(HOOK_MAX_S, HOOK_SHARE * target),
        ranked=True,
        ordered=False,
    )


def closing(frame: Frame, sections: list[ProseSection], candidates: list[Candidate]) -> Part:
    """The last scene: the document's concluding sentence if it has one, and the person's call to action,
    else the style's closing line."""
    concluding = {
        index
        for index, section in enumerate(sections)
        if section.heading and frame.phrases.conclusion_heading.match(clean_heading(section.heading))
    }
    conclusions = [c for c in candidates if c.section in concluding and not c.needs_context]
    own = frame.request.call_to_action.strip()
    tail = _sentence(own) if own else ""
    if not own and (frame.style == "promo" or not conclusions):
        tail = _closing_line(frame)
    target = frame.request.target_duration_s
    return Part(
        role="call_to_action",
        title=frame.phrases.titles["closing"],
        tail=tail,
        tail_s=frame.seconds(tail),
        candidates=_best_conclusions(conclusions, frame.phrases) if frame.style != "promo" else [],
        budget_s=min(CLOSING_MAX_S, CLOSING_SHARE * target),
        ranked=True,
    )


def _best_conclusions(conclusions: list[Candidate], phrases: Phrases) -> list[Candidate]:
    """ "This paper described how…" first: the document summing itself up; then by importance."""
    return sorted(conclusions, key=lambda c: (not phrases.self_introduction.match(c.text), -c.score))[:3]


def _closing_line(frame: Frame) -> str:
    subject = frame.subject or ""
    if not subject and len(frame.title.split()) <= SUBJECT_MAX_WORDS:
        subject = frame.title  # a title is a name: said as it is written
    if frame.style == "lesson" and not subject:
        subject = frame.phrases.these_ideas
    if not subject:
        return frame.phrases.plain_closing
    return frame.phrases.elide(frame.phrases.closings[frame.style].format(subject=subject))


def recap(frame: Frame) -> Part:
    """A placeholder as long as a recap of three topics; `frame_after_fill` writes the real one."""
    placeholder = frame.phrases.recap.format(items=frame.phrases.join(["x" * 14] * 3))
    title = frame.phrases.titles["check" if frame.style == "lesson" else "recap"]
    lead = _check_question(frame) if frame.style == "lesson" else ""
    return Part(
        role="recap",
        title=title,
        lead=lead,
        lead_s=frame.seconds(lead),
        tail=placeholder,
        tail_s=frame.seconds(placeholder),
    )


def _check_question(frame: Frame) -> str:
    question = (
        frame.phrases.question(frame.subject, plural=frame.plural) if frame.subject else frame.phrases.recall
    )
    return frame.phrases.check.format(question=question)


def frame_after_fill(
    frame: Frame, parts: list[Part], sections: list[ProseSection], terms: list[Term]
) -> None:
    """Words that name what the body scenes ended up saying: bridges, the recap, a lesson's goals."""
    body = [part for part in parts if part.role == "body"]
    names = _names(sentence.text for section in sections for sentence in section.sentences)
    telling = {stem for term in terms for stem in term.stems}
    topics = [_topic(part.heading, frame, names) if part.heading else "" for part in body]
    topics = [topic if _specific(topic, telling, frame.phrases) else "" for topic in topics]
    if frame.style != "summary" and len(body) > 1:
        for number, (part, topic) in enumerate(zip(body, _first_mentions(topics), strict=True)):
            step = 0 if number == 0 else 2 if number == len(body) - 1 else 1
            bridge = frame.phrases.elide(frame.phrases.transitions[step].format(topic=topic)) if topic else ""
            _set_lead(part, part.title if part.title.endswith("?") else bridge, frame)
    said = {term for part in parts for c in part.picked for term in c.terms}
    items = _key_points([t for t in topics if t], [t for t in terms[:RECAP_TERMS] if t.stems in said], frame)
    for part in parts:
        if part.role == "recap":
            if len(items) < 2:
                parts.remove(part)
                break
            recap_text = frame.phrases.recap.format(items=frame.phrases.join(items[:RECAP_ITEMS]))
            part.tail, part.tail_s = recap_text, frame.seconds(recap_text)
            shown = [item[:1].upper() + item[1:] for item in items[:RECAP_ITEMS]]
            part.points = [point for point in shown if complete(point, frame.phrases, opening_article=True)]
    for part in parts:
        if part.role == "hook" and frame.style == "lesson" and items:
            goals = frame.phrases.goals.format(items=frame.phrases.join(items[:GOAL_ITEMS]))
            _set_lead(part, frame.phrases.elide(goals), frame)
        elif part.role == "hook" and frame.definition not in part.picked:
            _set_lead(part, "", frame)  # "What is X?" only before the sentence that answers it
        elif part.role == "call_to_action" and not part.picked and not part.tail:
            part.tail = _closing_line(frame)
            part.tail_s = frame.seconds(part.tail)


def _specific(topic: str, telling: set[str], phrases: Phrases) -> bool:
    """A topic worth naming: a phrase, a key term, or a word that is not an everyday one ("Useful" is)."""
    words = topic.split()
    if not words:
        return False
    return len(words) >= 2 or phrases.stem(words[0]) in telling or not common(words[0], phrases.code)


def _set_lead(part: Part, text: str, frame: Frame) -> None:
    part.lead, part.lead_s = text, frame.seconds(text)


def _first_mentions(topics: list[str]) -> list[str]:
    """A long section's second scene is not announced again."""
    seen: set[str] = set()
    kept = []
    for topic in topics:
        kept.append("" if topic in seen else topic)
        seen.add(topic)
    return kept


def _key_points(topics: list[str], said: list[Term], frame: Frame) -> list[str]:
    """What the recap names: the body's topics, then the key terms it said, as the document says them in a
    list ("the trace tree"), longer ones first."""
    items = list(dict.fromkeys(topics))
    central = said[:CENTRAL_TERMS]  # a single word is a key point only if it is one of the central terms
    for term in sorted(said, key=lambda t: (-t.words, -t.weight)):
        if len(items) >= RECAP_ITEMS:
            break
        if term.words == 1 and (term not in central or common(term.text, frame.phrases.code)):
            continue
        if not (term.nominal or _name_like(term.text)) or not complete(term.text, frame.phrases):
            continue  # "keeper climbed", "lit lamp": words of a sentence, not a point to recap
        text = term.named if term.nominal and not _name_like(term.text) else term.text
        if not any(term.text.lower() in item.lower() or item.lower() in text.lower() for item in items):
            items.append(text)
    return items


def _name_like(text: str) -> bool:
    return any(ch.isupper() for word in text.split() for ch in word[1:]) or text[:1].isupper()


def _topic(heading: str, frame: Frame, names: set[str]) -> str:
    """A heading said mid-sentence: "Overview: Example Tracing Run" → "example tracing run"; a generic
    heading such as "Introduction" names no topic. Names and acronyms keep their capitals (and German
    nouns theirs)."""
    heading = clean_heading(heading)
    generic = frame.phrases.generic_heading
    heading = heading.split(": ", 1)[-1] if generic.match(heading) else heading
    if generic.fullmatch(heading) or any(not any(ch.isalnum() for ch in word) for word in heading.split()):
        return ""  # nothing to name, or a symbol such as ":=" that a list of topics cannot carry
    if _QUESTION_WORD.match(heading) or looks_like_code(heading):
        return ""  # "Why the idea was rejected" cannot follow "Next, let's look at"
    heading = heading.rstrip("?").rstrip()
    first, _, rest = heading.partition(" ")
    if first.lower() in frame.phrases.determiners and rest:
        heading = f"{first.lower()} {rest}"  # "Die Entdeckungen …" said mid-sentence
    if frame.phrases.code == "de":
        return heading
    return " ".join(
        word.lower() if word.isalpha() and word.istitle() and word not in names else word
        for word in heading.split()
    )


def _names(sentences: Iterable[str]) -> set[str]:
    """Words the document capitalises mid-sentence at least twice and more often than not: "Chrome",
    "Python" (not the "Building" of a link text "see Building PDF.js")."""
    capitalised: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for sentence in sentences:
        words = re.findall(r"[^\W\d_]+", sentence)
        capitalised.update(word for word in words[1:] if word.istitle())
        lower.update(word.title() for word in words if word.islower())
    return {word for word, count in capitalised.items() if count >= 2 and count > lower[word]}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?" else text + "."
