"""The offline writer: a narrated explanation in the source's own sentences, timed to the target, in the
document's language.

How it writes:
1. read every section: each sentence is cleaned for the ear (`clean`), scored, and tagged with the key terms
   it names (`terms`, `candidates`); tables and charts are narrated from their data;
2. lay out the style's structure (`framing`): a hook that says what the thing is in the document's own
   defining sentence, one scene per stretch of the document from start to end, a recap of the key points
   (45 s and more) and a closing taken from the document's conclusion;
3. fill each scene with the sentences worth most (importance plus the key terms they newly bring), then add,
   drop or swap sentences until the spoken estimate is within a few percent of the target (`fit`);
4. bridge the sections ("Next: …"), name the recap's points, title the scenes and give them bullets that
   are whole key terms (`bullets`), and pick what each scene shows (`visual`).

Numbers and names are never reworded, and nothing is said that the document does not say: the writer's own
words are the short framing phrases of `language`, in each language it writes.
"""

from __future__ import annotations

from collections import Counter

from animagenius.pipeline.domain import (
    Block,
    Outline,
    Scene,
    Script,
    ScriptRequest,
    SourceDocument,
)
from animagenius.pipeline.providers.protocols import WrittenScript
from animagenius.pipeline.script.about import nothing_to_narrate
from animagenius.pipeline.script.analyse import ProseSection, Sentence, prose_sections
from animagenius.pipeline.script.bullets import MAX_BULLET_CHARS, bullets
from animagenius.pipeline.script.candidates import Candidate, candidates, cleaned
from animagenius.pipeline.script.clean import looks_like_code
from animagenius.pipeline.script.data import table_narration, table_title
from animagenius.pipeline.script.fit import Coverage, Part, fill, fit
from animagenius.pipeline.script.framing import (
    Frame,
    closing,
    frame_after_fill,
    frame_for,
    hook,
    recap,
)
from animagenius.pipeline.script.headings import clean_heading
from animagenius.pipeline.script.language import LANGUAGES, Phrases, phrases_for
from animagenius.pipeline.script.terms import Term, common, key_terms
from animagenius.pipeline.visuals.planning import visual_for

MAX_SCENES = 12
SECONDS_PER_BODY_SCENE = {"summary": 18.0}  # a summary is denser: fewer, fuller scenes
DEFAULT_SECONDS_PER_BODY_SCENE = 14.0
COVERED_TERMS = 20  # the key terms the writer tries to say
BULLET_TERMS = 60  # the terms a bullet may name
TITLE_MAX_WORDS = 8
FRAMING_ROUNDS = 3


class OfflineWriter:
    """Writes from the document alone: always available, deterministic, no network."""

    name = "offline"

    def write(self, document: SourceDocument, outline: Outline, request: ScriptRequest) -> WrittenScript:
        script = write_script(document, request=request, language=outline.language)
        return WrittenScript(script=script, writer=self.name, notices=_notices(script, outline.language))


def write_script(document: SourceDocument, *, request: ScriptRequest, language: str = "en") -> Script:
    """A script of `document` whose spoken length is within a few percent of `request.target_duration_s`."""
    phrases = phrases_for(language)
    sections = prose_sections(document, tables=lambda block: table_narration(block, language=phrases.code))
    headings = [section.heading for section in sections if section.heading]
    said = cleaned(sections, phrases)
    # the terms of what can be said: sentences as cleaned for the ear, not the data's own wording
    sentences = [text for s in _sentences(sections) if not s.data and (text := said[s.position])]
    terms = key_terms(sentences, title=document.title, headings=headings, phrases=phrases, limit=BULLET_TERMS)
    found = candidates(
        sections,
        said=said,
        blocks=document.blocks,
        terms=terms[:COVERED_TERMS],
        phrases=phrases,
        words_per_minute=request.words_per_minute,
    )
    if not found:
        raise nothing_to_narrate(document)
    frame = frame_for(found, title=document.title, terms=terms, phrases=phrases, request=request)
    parts = _plan(sections, found, frame)
    coverage = Coverage({term.stems: term.weight for term in terms[:COVERED_TERMS]})
    fill(parts, target_s=request.target_duration_s, coverage=coverage)
    parts = [part for part in parts if part.spoken]
    # titles, bridges and the recap name what the scenes say, and take time; fitting that time may change
    # what a scene says, so they are written again until they agree (twice is enough in practice)
    for _ in range(FRAMING_ROUNDS):
        picked = [[id(c) for c in part.picked] for part in parts]
        _title_bodies(parts, sections, terms, phrases, document.blocks)
        frame_after_fill(frame, parts, sections, terms)
        fit(parts, target_s=request.target_duration_s, coverage=coverage)
        if picked == [[id(c) for c in part.picked] for part in parts]:
            break
    else:
        _title_bodies(parts, sections, terms, phrases, document.blocks)
        frame_after_fill(frame, parts, sections, terms)
    for part in parts:
        part.visual = visual_for(document, part)
    return Script(
        title=document.title,
        language=language if language not in ("", "und") else "en",
        target_duration_s=request.target_duration_s,
        style=request.style,
        words_per_minute=request.words_per_minute,
        scenes=tuple(_scene(part, terms, phrases) for part in parts if part.spoken),
    )


def _sentences(sections: list[ProseSection]) -> list[Sentence]:
    return [sentence for section in sections for sentence in section.sentences]


def _notices(script: Script, language: str) -> tuple[str, ...]:
    notices = []
    if script.estimated_duration_s < script.target_duration_s * 0.9:
        notices.append(
            f"The document has only enough to say for about {round(script.estimated_duration_s)} s, "
            f"so the script is shorter than the {round(script.target_duration_s)} s asked for."
        )
    if language not in ("und", "") and language.split("-")[0] not in LANGUAGES:
        known = ", ".join(phrases.name for phrases in LANGUAGES.values())
        notices.append(
            f"The document is in a language the offline writer has no phrases for ({language}); its own "
            f"words (questions, bridges, recap) are in English. It writes in {known}."
        )
    return tuple(notices)


# ---------------------------------------------------------------- structure


def _plan(sections: list[ProseSection], found: list[Candidate], frame: Frame) -> list[Part]:
    request = frame.request
    planned = request.planned_structure  # short videos keep only the framing that earns its time
    framing = [role for role in planned if role != "body"]
    body = _body_parts(found, frame, scenes_left=MAX_SCENES - len(framing))
    parts: list[Part] = []
    for role in planned:
        if role == "body":
            parts.extend(body)
        else:
            parts.append(_framing_part(role, frame, sections, found))
    return parts


def _framing_part(role: str, frame: Frame, sections: list[ProseSection], found: list[Candidate]) -> Part:
    if role == "hook":
        return hook(frame, found)
    if role == "recap":
        return recap(frame)
    return closing(frame, sections, found)


def _body_parts(found: list[Candidate], frame: Frame, *, scenes_left: int) -> list[Part]:
    """One scene per stretch of the document, so the video covers it from start to end."""
    by_section: dict[int, list[Candidate]] = {}
    for candidate in found:
        by_section.setdefault(candidate.section, []).append(candidate)
    groups = [group for _, group in sorted(by_section.items())]
    per_scene = SECONDS_PER_BODY_SCENE.get(frame.style, DEFAULT_SECONDS_PER_BODY_SCENE)
    scene_count = max(1, min(scenes_left, round(frame.request.target_duration_s / per_scene)))
    groups = _split_long(groups, scene_count) if len(groups) < scene_count else _merge(groups, scene_count)
    return [Part(role="body", title="", candidates=group, weight=_strength(group)) for group in groups]


def _split_long(groups: list[list[Candidate]], scene_count: int) -> list[list[Candidate]]:
    """Give a long section more than one scene when there are fewer sections than scenes."""
    groups = list(groups)
    while len(groups) < scene_count:
        longest = max(range(len(groups)), key=lambda i: len(groups[i]))
        group = groups[longest]
        if len(group) < 4:
            break
        half = len(group) // 2
        groups[longest : longest + 1] = [group[:half], group[half:]]
    return groups


def _merge(groups: list[list[Candidate]], scene_count: int) -> list[list[Candidate]]:
    """Join neighbouring sections into `scene_count` stretches of about equal length."""
    total = sum(len(group) for group in groups)
    merged: list[list[Candidate]] = []
    done = 0
    for group in groups:
        # a section starts a new stretch when its middle lies past the end of the current stretch's share
        if not merged or (
            len(merged) < scene_count and done + len(group) / 2 > total * len(merged) / scene_count
        ):
            merged.append(list(group))
        else:
            merged[-1].extend(group)
        done += len(group)
    return merged


def _strength(group: list[Candidate]) -> float:
    return sum(sorted((c.score for c in group), reverse=True)[:3])


# ---------------------------------------------------------------- scenes


def _title_bodies(
    parts: list[Part],
    sections: list[ProseSection],
    terms: list[Term],
    phrases: Phrases,
    blocks: tuple[Block, ...],
) -> None:
    """A body scene is titled by the heading of the section it mostly narrates, if that reads as a heading
    (and then its bridge names it); a long section's second scene, or one without a usable heading, by its
    most telling key term, else its first words."""
    used = {part.title for part in parts if part.role != "body"}
    for part in parts:
        if part.role != "body":
            continue
        counts = Counter(c.section for c in part.picked)
        heading = sections[counts.most_common(1)[0][0]].heading if counts else None
        title = clean_heading(heading) if heading and len(heading.split()) <= TITLE_MAX_WORDS else ""
        charted = next((c.block for c in part.picked if c.sentence.data), None)
        shown = table_title(blocks[charted]) if charted is not None else ""
        if title and title not in used and not looks_like_code(title):
            part.title = part.heading = title
        elif shown and shown not in used:
            part.title = shown  # the chart the scene narrates, by its own title
        else:
            part.title = _term_title(part, terms, used, phrases)
        used.add(part.title)


def _term_title(part: Part, terms: list[Term], used: set[str], phrases: Phrases) -> str:
    said = {stem for c in part.picked for stem in c.terms}
    for term in terms:
        text = term.text[:1].upper() + term.text[1:]
        telling = term.words > 1 or (term.nominal and not common(term.text, phrases.code))
        if term.stems in said and telling and text not in used:
            return text
    words = part.picked[0].text.rstrip(".!?").split() if part.picked else ["…"]
    return " ".join(words[:TITLE_MAX_WORDS]) + ("…" if len(words) > TITLE_MAX_WORDS else "")


def _scene(part: Part, terms: list[Term], phrases: Phrases) -> Scene:
    sentences = [c.text for c in part.picked]
    narration = " ".join(text for text in (part.lead, *sentences, part.tail) if text)
    shown = tuple(point for point in part.points if len(point) <= MAX_BULLET_CHARS)[:3]
    title = part.title or "…"
    return Scene(
        role=part.role,
        title=title,
        bullets=shown or bullets(" ".join(sentences), title=title, terms=terms, phrases=phrases),
        narration=narration,
        visual=part.visual,
        source_blocks=tuple(sorted({c.block for c in part.picked})),
    )
