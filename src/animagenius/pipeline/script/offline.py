"""The offline script writer: a narrated summary in the source's own sentences, timed to the target.

How it writes:
1. rank every narratable sentence (TextRank over shared content words, blended with term frequency and a
   bonus for opening a section), and drop the ones a listener could not follow out of context;
2. lay out the structure asked for — hook, one scene per important section, recap, call to action —
   with the hook, recap and call to action from short templates that use the document's own title and
   headings;
3. fill the scenes with the best sentences within their share of the time, then add, drop or swap
   sentences until the spoken estimate is within a few percent of the target.

Sentences are lightly compressed (asides such as "(e.g. …)" and leading connectives like "However," go),
never reworded: numbers and names stay exactly as written.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from animagenius.pipeline.about import nothing_to_narrate
from animagenius.pipeline.analyse import ProseSection, Sentence, content_words, prose_sections
from animagenius.pipeline.charts import chart_data
from animagenius.pipeline.domain import (
    SCENE_LEAD_IN_S,
    SCENE_PAUSE_S,
    Block,
    Outline,
    Scene,
    SceneRole,
    Script,
    ScriptRequest,
    ScriptStyle,
    SourceDocument,
    Visual,
    speaking_time_s,
)
from animagenius.pipeline.providers.protocols import WrittenScript

MAX_SCENES = 12
SECONDS_PER_BODY_SCENE = 14
FIT_TOLERANCE = 0.04  # aim within ±4 % of the target, leaving room for the voice's own variation
TEXTRANK_CANDIDATES = 400
SCENE_PAUSES_S = SCENE_LEAD_IN_S + SCENE_PAUSE_S
VISUAL_REACH_BLOCKS = 12  # a figure further than this from the narration is about something else
HOOK_SHARE, HOOK_MAX_S = 0.2, 14.0  # time for the hook's statement of the main point

_Move = Callable[[], None]

_CONNECTIVE = re.compile(
    r"^(?:however|moreover|furthermore|in addition|additionally|also|thus|therefore|hence|finally|"
    r"first|second|third|similarly|consequently|instead|indeed|in fact|in particular|for example|"
    r"for instance|as a result|in contrast|by contrast|on the other hand|in other words|of course|"
    r"then|next|now|so|but|and)\s*,\s*",
    re.I,
)
_SELF_INTRODUCTION = (  # "This paper presents…" opens a document; it needs nothing before it
    r"(?:this|these) (?:is|paper|papers|document|pep|article|report|guide|proposal|project|repository|"
    r"book|chapter|post|talk|tutorial)\b"
)
_NEEDS_CONTEXT = re.compile(
    rf"^(?!{_SELF_INTRODUCTION})"
    r"(?:this|that|these|those|it|its|they|their|them|he|she|his|her|such|here|there|the latter|the former|"
    r"both|either|neither|another|other|likewise|otherwise|but|and|or|nor|yet|also|although|though|which|"
    r"as shown|as described|as mentioned|see|at this point|in this case|in that case|to this end|"
    r"for this reason|in these cases|in such cases|after that|with this|in the example|in our example|"
    r"as part of this|so|thus|hence|therefore|let's|let us|"
    r"(?:some|many|most|all|each|one|none|several|few|any|both) of (?:them|these|those|which)|"
    r"\w+ing (?:these|those|this|that|them|it))\b",
    re.I,
)
_REFERS_BACK = re.compile(  # "Please keep in mind that this assumes…": "this" names something said before
    r"\b(?:this|that) (?:assumes|means|implies|requires|allows|lets|ensures|gives|makes|will|would)\b|"
    r"\bin (?:both|either|each of these|these|those) cases\b",
    re.I,
)
_CAPTION_LABEL = re.compile(r"^\s*(?P<kind>fig(?:ure)?|table)\.?\s*(?P<number>\d+)\b", re.I)
_FIGURE_MENTION = re.compile(r"\b(?P<kind>fig(?:ure)?|table)s?\.?\s*(?P<number>\d+)\b", re.I)
_GENERIC_HEADING = re.compile(
    r"(?:introduction|overview|background|abstract|summary|conclusions?|motivation|rationale|"
    r"discussion|preliminaries|related work|future work|getting started)\b",
    re.I,
)
_CODE_START = re.compile(r"[a-z]{1,3} ")  # "tz is only used for s += tz": a line about code
_UNSPEAKABLE = re.compile(r"(?<![\w.])@[A-Za-z0-9][\w-]*")  # "@Rob--W": a handle reads badly aloud
_ADMONITION = re.compile(r"\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.I)  # GitHub's "> [!NOTE]"
_BOILERPLATE = re.compile(
    r"^(?:keywords|key words|index terms|categories and subject descriptors|general terms|copyright|"
    r"permission to make|all rights reserved|this work is licensed|licensed under|"
    r"this document has been placed in the public domain)\b",
    re.I,
)
_POINTS_ELSEWHERE = re.compile(
    r"\b(?:this|that|the following|the next) "
    r"(?:page|link|wiki|document|example|listing|code|snippet|command)s?\b|"
    r"\bclick here\b|\bas follows\b|\b(?:below|above)\b|\b(?:this|these|those) lines?\b",
    re.I,
)
_BACK_MATTER = re.compile(
    r"^(?:copyright|references|bibliography|acknowledge?ments?|licen[cs]e|footnotes|notes|see also|"
    r"appendix\b.*)$",
    re.I,
)
_ASIDE = re.compile(
    r"\s*\((?:e\.g\.|i\.e\.|see|cf\.|for example|for instance)[^()]*\)|\s*\([^()]{40,}\)", re.I
)
_HEADING_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-Z]\.)\s+")
_RAKE_SPLIT = re.compile(r"[^\w\s'’+#.-]+|\.(?!\w)|(?<!\w)\.")  # "PDF.js" and "3.5" stay whole


@dataclass(eq=False)
class _Candidate:
    sentence: Sentence
    text: str
    seconds: float
    score: float
    section: int
    needs_context: bool


@dataclass(eq=False)
class _Part:
    role: SceneRole
    title: str
    template: str = ""
    template_s: float = 0.0
    candidates: list[_Candidate] = field(default_factory=list)
    picked: list[_Candidate] = field(default_factory=list)
    weight: float = 1.0
    visual: Visual = field(default_factory=Visual)

    @property
    def seconds(self) -> float:
        return SCENE_PAUSES_S + sum(candidate.seconds for candidate in self.picked) + self.template_s


class OfflineWriter:
    """Writes from the document alone: always available, deterministic, no network."""

    name = "offline"

    def write(self, document: SourceDocument, outline: Outline, request: ScriptRequest) -> WrittenScript:
        script = write_script(document, request=request, language=outline.language)
        return WrittenScript(script=script, writer=self.name, notices=_shortfall(script))


def write_script(document: SourceDocument, *, request: ScriptRequest, language: str = "en") -> Script:
    """A script of `document` whose spoken length is within a few percent of `request.target_duration_s`."""
    sections = prose_sections(document)
    captions = "\n".join(block.text for block in document.blocks if block.kind in ("figure", "table"))
    candidates = _candidates(sections, captions=captions, words_per_minute=request.words_per_minute)
    if not candidates:
        raise nothing_to_narrate(document)
    parts = _plan(document, sections, candidates, request)
    _fill(parts, request)
    parts = [part for part in parts if part.picked or part.template]
    _title_body_and_recap(parts, sections, request, document_title=document.title)
    for part in parts:
        part.visual = _visual(document, part)
    return Script(
        title=document.title,
        language=language if language != "und" else "en",
        target_duration_s=request.target_duration_s,
        style=request.style,
        words_per_minute=request.words_per_minute,
        scenes=_scenes(parts),
    )


def _shortfall(script: Script) -> tuple[str, ...]:
    if script.estimated_duration_s >= script.target_duration_s * 0.9:
        return ()
    return (
        f"The document has only enough to say for about {round(script.estimated_duration_s)} s, "
        f"so the script is shorter than the {round(script.target_duration_s)} s asked for.",
    )


# ---------------------------------------------------------------- ranking


def _candidates(sections: list[ProseSection], *, captions: str, words_per_minute: float) -> list[_Candidate]:
    """Sentences worth narrating, scored. `captions` is the text of the figures and tables, which PDFs often
    repeat as paragraphs: a caption describes a picture rather than telling the story."""
    sentences = [s for section in sections for s in section.sentences]
    central = _textrank(sentences)
    top_frequency = max((s.score for s in sentences), default=1.0) or 1.0
    found = []
    for index, section in enumerate(sections):
        if section.heading and _BACK_MATTER.match(_clean_heading(section.heading)):
            continue
        for rank, sentence in enumerate(section.sentences):
            text = _compress(sentence.text)
            words = len(text.split())
            if words < 5 or _BOILERPLATE.match(text) or _POINTS_ELSEWHERE.search(text):
                continue  # a label, boilerplate, or pointing at something the viewer cannot see
            if _UNSPEAKABLE.search(text) or _CODE_START.match(sentence.text) or sentence.text in captions:
                continue  # a handle, a line about code, or a caption (it describes a picture, not the story)
            score = 0.5 * sentence.score / top_frequency + 0.5 * central.get(sentence.position, 0.0)
            score *= 1.15 if rank == 0 else 1.0  # opening sentences tend to state the point
            score *= 0.75 if words > 32 else 1.0  # long sentences are hard to follow by ear
            found.append(
                _Candidate(
                    sentence=sentence,
                    text=text,
                    seconds=speaking_time_s(text, words_per_minute=words_per_minute),
                    score=score,
                    section=index,
                    needs_context=bool(_NEEDS_CONTEXT.match(text) or _REFERS_BACK.search(text)),
                )
            )
    return found


def _textrank(sentences: list[Sentence], *, damping: float = 0.85, rounds: int = 30) -> dict[int, float]:
    """Centrality of each sentence (by position) in the graph of shared content words, scaled to 0..1."""
    pool = sorted(sentences, key=lambda s: -s.score)[:TEXTRANK_CANDIDATES]
    words = [set(content_words(s.text)) for s in pool]
    edges: list[list[tuple[int, float]]] = [[] for _ in pool]
    for i in range(len(pool)):
        for j in range(i + 1, len(pool)):
            shared = len(words[i] & words[j])
            if shared:
                weight = shared / (math.log(len(words[i]) + 2) + math.log(len(words[j]) + 2))
                edges[i].append((j, weight))
                edges[j].append((i, weight))
    totals = [sum(weight for _, weight in links) or 1.0 for links in edges]
    rank = [1.0] * len(pool)
    for _ in range(rounds):
        rank = [
            (1 - damping) + damping * sum(rank[j] * weight / totals[j] for j, weight in edges[i])
            for i in range(len(pool))
        ]
    top = max(rank, default=1.0) or 1.0
    return {sentence.position: value / top for sentence, value in zip(pool, rank, strict=True)}


def _compress(text: str) -> str:
    text = _ADMONITION.sub("", _ASIDE.sub("", text))
    text = _CONNECTIVE.sub("", text, count=1)
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- structure


def _plan(
    document: SourceDocument,
    sections: list[ProseSection],
    candidates: list[_Candidate],
    request: ScriptRequest,
) -> list[_Part]:
    framing = [role for role in request.structure if role != "body"]
    body = _body_parts(document, sections, candidates, request, scenes_left=MAX_SCENES - len(framing))
    wanted = [role for role in framing if _fits(role, request, len(body))]
    parts: list[_Part] = []
    for role in request.structure:
        if role == "body":
            parts.extend(body)
        elif role in wanted:
            parts.append(_framing(role, document, request))
    if parts and parts[0].role == "hook" and not parts[0].candidates:
        parts[0].candidates = _hook_candidates(candidates)
    return parts


def _fits(role: SceneRole, request: ScriptRequest, body_scenes: int) -> bool:
    """Short videos keep the framing that earns its time: a hook always, a recap only with room to recap."""
    seconds = request.target_duration_s
    if role == "recap":
        return seconds >= 90 and body_scenes >= 3
    if role == "call_to_action":
        return seconds >= 30 or bool(request.call_to_action)
    return True


def _body_parts(
    document: SourceDocument,
    sections: list[ProseSection],
    candidates: list[_Candidate],
    request: ScriptRequest,
    *,
    scenes_left: int,
) -> list[_Part]:
    """One scene per stretch of the document, so the video covers it from start to end."""
    by_section: dict[int, list[_Candidate]] = {}
    for candidate in candidates:
        by_section.setdefault(candidate.section, []).append(candidate)
    groups = [found for _, found in sorted(by_section.items())]
    scene_count = max(1, min(scenes_left, round(request.target_duration_s / SECONDS_PER_BODY_SCENE)))
    groups = _split_long(groups, scene_count) if len(groups) < scene_count else _merge(groups, scene_count)
    return [_Part(role="body", title="", candidates=found, weight=_strength(found)) for found in groups]


def _split_long(groups: list[list[_Candidate]], scene_count: int) -> list[list[_Candidate]]:
    """Give a long section more than one scene when there are fewer sections than scenes."""
    groups = list(groups)
    while len(groups) < scene_count:
        longest = max(range(len(groups)), key=lambda i: len(groups[i]))
        found = groups[longest]
        if len(found) < 4:
            break
        half = len(found) // 2
        groups[longest : longest + 1] = [found[:half], found[half:]]
    return groups


def _merge(groups: list[list[_Candidate]], scene_count: int) -> list[list[_Candidate]]:
    """Join neighbouring sections into `scene_count` stretches of about equal length."""
    total = sum(len(found) for found in groups)
    merged: list[list[_Candidate]] = []
    done = 0
    for found in groups:
        # a section starts a new stretch when its middle lies past the end of the current stretch's share
        if not merged or (
            len(merged) < scene_count and done + len(found) / 2 > total * len(merged) / scene_count
        ):
            merged.append(list(found))
        else:
            merged[-1].extend(found)
        done += len(found)
    return merged


def _strength(candidates: list[_Candidate]) -> float:
    return sum(sorted((c.score for c in candidates), reverse=True)[:3])


def _visual(document: SourceDocument, part: _Part) -> Visual:
    """The figure or table the narrated paragraphs refer to ("Figure 7 shows…"); else the nearest one in
    the same section whose caption is about what the scene says."""
    if not part.picked:
        return Visual()
    spoken = [c.sentence.block for c in part.picked]
    chosen = _referenced(document, spoken)
    if chosen is None:
        first = min(c.sentence.block for c in part.candidates)
        last = min(max(c.sentence.block for c in part.candidates) + 3, len(document.blocks))
        narrated = set(content_words(" ".join(c.text for c in part.picked)))
        shown = [
            index
            for index in range(first, last)
            if _showable(document.blocks[index]) and _about(document.blocks[index], narrated)
        ]
        distance = {index: min(_distance(document, index, block) for block in spoken) for index in shown}
        chosen = min(shown, key=distance.__getitem__, default=None)
        if chosen is None or distance[chosen] > VISUAL_REACH_BLOCKS:
            return Visual()
    block = document.blocks[chosen]
    if block.kind == "figure":  # a scene of an uploaded video plays; other figures are shown still
        return Visual(kind="clip" if block.source.start_s is not None else "figure", block=chosen)
    return Visual(kind="chart" if chart_data(block.rows) else "table", block=chosen)


def _distance(document: SourceDocument, shown: int, spoken: int) -> float:
    """Blocks between a picture and a narrated paragraph; a heading between them ends the connection."""
    low, high = sorted((shown, spoken))
    if any(block.kind == "heading" for block in document.blocks[low + 1 : high + 1]):
        return math.inf
    return high - low


def _referenced(document: SourceDocument, spoken: list[int]) -> int | None:
    labelled: dict[tuple[str, str], int] = {}
    for index, block in enumerate(document.blocks):
        label = _CAPTION_LABEL.match(block.text)
        if label and _showable(block):
            labelled.setdefault((label["kind"][:3].lower(), label["number"]), index)
    for narrated in dict.fromkeys(spoken):
        for mention in _FIGURE_MENTION.finditer(document.blocks[narrated].text):
            found = labelled.get((mention["kind"][:3].lower(), mention["number"]))
            if found is not None:
                return found
    return None


def _about(block: Block, narrated: set[str]) -> bool:
    """A picture nobody names is shown only when its caption shares words with what is said over it."""
    return len(narrated.intersection(content_words(block.text))) >= 2


def _showable(block: Block) -> bool:
    return (block.kind == "figure" and block.image is not None) or (
        block.kind == "table" and len(block.rows) >= 2
    )


def _framing(role: SceneRole, document: SourceDocument, request: ScriptRequest) -> _Part:
    title = document.title
    if role == "hook":
        template = _HOOKS[request.style].format(title=title, length=_spoken_length(request.target_duration_s))
        heading = title
    elif role == "recap":  # a placeholder of about the right length; named once the body scenes are titled
        template, heading = _recap(["the first part", "the second part", "the third part"]), "In short"
    else:
        closing = request.call_to_action.strip() or _CALLS[request.style].format(title=_short_name(title))
        template, heading = _sentence(closing), "Find out more"
    seconds = speaking_time_s(template, words_per_minute=request.words_per_minute)
    return _Part(role=role, title=heading, template=template, template_s=seconds)


def _short_name(title: str) -> str:
    """The title again at the close, unless it is too long to hear twice in a minute."""
    return title if len(title.split()) <= 6 else "the original"


def _hook_candidates(candidates: list[_Candidate]) -> list[_Candidate]:
    """Best first: the document's main point, its most central self-contained sentence near the start."""
    opening = [c for c in candidates if not c.needs_context][:12] or candidates[:12]
    # documents state their subject early: the first sentences count double, fading over the first dozen
    return sorted(opening, key=lambda c: -c.score * (1 + 1 / (1 + opening.index(c) / 2)))[:4]


_HOOKS: dict[ScriptStyle, str] = {
    "explainer": "Here is {title}, explained in {length}.",
    "summary": "{title}, in {length}.",
    "lesson": "In the next {length}, you will learn the key ideas of {title}.",
    "promo": "Meet {title}.",
}
_CALLS: dict[ScriptStyle, str] = {
    "explainer": "For the full details, read {title}.",
    "summary": "The full text of {title} has the details.",
    "lesson": "Now read {title} yourself and put these ideas into practice.",
    "promo": "Discover {title} today.",
}


def _recap(topics: list[str]) -> str:
    if not topics:
        return "That was the essence of it."
    named = topics
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + ", and " + named[-1]
    return f"To recap, we looked at {listed}."


def _spoken_length(seconds: float) -> str:
    if seconds < 50:
        return f"{round(seconds / 5) * 5} seconds"
    minutes = round(seconds / 60)
    words = {1: "one minute", 2: "two minutes", 3: "three minutes", 4: "four minutes", 5: "five minutes"}
    return words.get(minutes, f"{minutes} minutes")


# ---------------------------------------------------------------- timing


def _fill(parts: list[_Part], request: ScriptRequest) -> None:
    """Pick sentences by importance within each scene's share of time, then fit the total to the target."""
    target = request.target_duration_s
    spare = max(0.0, target - sum(part.seconds for part in parts))
    hook_s = (
        min(HOOK_MAX_S, HOOK_SHARE * target) if any(p.role == "hook" and p.candidates for p in parts) else 0
    )
    body_weight = sum(part.weight for part in parts if part.role == "body") or 1.0
    for part in parts:
        if not part.candidates:
            continue
        budget = hook_s if part.role == "hook" else (spare - hook_s) * part.weight / body_weight
        ranked = (
            part.candidates
            if part.role == "hook"
            else sorted(part.candidates, key=lambda c: -_merit(c, part))
        )
        for candidate in ranked:
            if sum(c.seconds for c in part.picked) + candidate.seconds <= budget * 1.1:
                _pick(parts, part, candidate)
        if not part.picked and part.role == "body":  # nothing fits: the best sentence that overshoots least
            _pick(parts, part, max(part.candidates, key=lambda c: _merit(c, part) / (1 + c.seconds / budget)))
    _fit(parts, target)


def _merit(candidate: _Candidate, part: _Part) -> float:
    """A sentence that needs the one before it is worth less, unless that one is already in the scene."""
    return candidate.score * (0.35 if candidate.needs_context and not _follows(candidate, part) else 1.0)


def _follows(candidate: _Candidate, part: _Part) -> bool:
    """The sentence before it is in the scene, with no code sample or picture between them."""
    sentence = candidate.sentence
    return any(
        c.sentence.position == sentence.position - 1 and sentence.block - c.sentence.block <= 1
        for c in part.picked
    )


def _pick(parts: list[_Part], part: _Part, candidate: _Candidate) -> None:
    if _can_pick(parts, part, candidate):
        part.picked.append(candidate)
        part.picked.sort(key=lambda c: c.sentence.position)


def _can_pick(parts: list[_Part], part: _Part, candidate: _Candidate) -> bool:
    """Not narrated yet, not a repeat of a sentence in the scene, and understandable where it would go."""
    if any(candidate in other.picked for other in parts):
        return False
    if any(_similar(candidate.text, other.text) for other in part.picked):
        return False
    return not candidate.needs_context or _follows(candidate, part)  # "It also…" needs what came before


def _similar(a: str, b: str) -> bool:
    first, second = set(content_words(a)), set(content_words(b))
    return bool(first and second) and len(first & second) / len(first | second) >= 0.5


def _fit(parts: list[_Part], target: float) -> None:
    low, high = target * (1 - FIT_TOLERANCE), target * (1 + FIT_TOLERANCE)
    for _ in range(200):
        total = sum(part.seconds for part in parts)
        if low <= total <= high:
            return
        move = _best_addition(parts, target - total) if total < low else _best_removal(parts, total - target)
        if move is not None:
            move()
        elif not _swap_towards(parts, target):  # a swap may make room for sentences that were too similar
            return


def _best_addition(parts: list[_Part], missing: float) -> _Move | None:
    options = [(part, c) for part in parts for c in part.candidates if _can_pick(parts, part, c)]
    if not options:
        return None
    # prefer important sentences, and ones that do not overshoot by more than they fill
    part, candidate = max(
        options, key=lambda o: _merit(o[1], o[0]) / (1 + max(0.0, o[1].seconds - missing) / 4)
    )
    return lambda: _pick(parts, part, candidate)


def _best_removal(parts: list[_Part], excess: float) -> _Move | None:
    options = [
        (part, c)
        for part in parts
        for c in part.picked
        if (len(part.picked) > 1 or part.template) and not _leans_on(c, part)
    ]
    if not options:
        droppable = [part for part in parts if part.role == "body" and part.picked]
        if len(droppable) <= 1:
            return None
        weakest = min(droppable, key=lambda part: part.weight)
        return lambda: parts.remove(weakest)
    # drop the least important sentence, preferring one about as long as the excess
    part, candidate = min(options, key=lambda o: _merit(o[1], o[0]) * (1 + abs(o[1].seconds - excess) / 8))
    return lambda: part.picked.remove(candidate)


def _leans_on(candidate: _Candidate, part: _Part) -> bool:
    """Another sentence of the scene needs this one before it ("It also…")."""
    after = candidate.sentence.position + 1
    return any(c.needs_context and c.sentence.position == after for c in part.picked)


def _swap_towards(parts: list[_Part], target: float) -> bool:
    """Last resort for coarse sentences: swap one sentence for another of a better length."""
    total = sum(part.seconds for part in parts)
    narrated = {id(c) for part in parts for c in part.picked}
    best: tuple[float, _Part, _Candidate, _Candidate] | None = None
    for part in parts:
        for out in list(part.picked):
            for into in part.candidates:
                gap = abs(total - out.seconds + into.seconds - target)
                if id(into) in narrated or gap >= abs(total - target) or (best and gap >= best[0]):
                    continue
                if _swappable(parts, part, out, into):
                    best = (gap, part, out, into)
    if best is None:
        return False
    _, part, out, into = best
    part.picked.remove(out)
    _pick(parts, part, into)
    return True


def _swappable(parts: list[_Part], part: _Part, out: _Candidate, into: _Candidate) -> bool:
    """`into` can take `out`'s place, and nothing left in the scene needed `out` before it."""
    index = part.picked.index(out)
    part.picked.remove(out)
    try:
        return _can_pick(parts, part, into) and all(
            not c.needs_context or _follows(c, part) or c is into for c in part.picked
        )
    finally:
        part.picked.insert(index, out)


# ---------------------------------------------------------------- scenes


def _scenes(parts: list[_Part]) -> tuple[Scene, ...]:
    scenes: list[Scene] = []
    for part in parts:
        title = part.title
        if any(_headline(title) == scene.title for scene in scenes):  # a long section's second scene
            title = _key_phrases(" ".join(c.text for c in part.picked), 1)[0]
        scenes.append(_scene(part, title))
    return tuple(scenes)


def _scene(part: _Part, title: str) -> Scene:
    sentences = [c.text for c in part.picked]
    narration = " ".join([part.template, *sentences] if part.template else sentences)
    phrases = _key_phrases(" ".join(sentences), 4) if sentences else []
    bullets = [phrase for phrase in phrases if phrase.casefold() != title.casefold()][:3]
    return Scene(
        role=part.role,
        title=_headline(title),
        bullets=tuple(bullets),
        narration=narration,
        visual=part.visual,
        source_blocks=tuple(sorted({c.sentence.block for c in part.picked})),
    )


def _title_body_and_recap(
    parts: list[_Part], sections: list[ProseSection], request: ScriptRequest, *, document_title: str
) -> None:
    """Body scenes are titled by what they ended up narrating; the recap then names those titles, and the
    few words that changes are fitted back into the target length."""
    for part in parts:
        if part.role == "body":
            part.title = _body_title(part.picked, sections)
    recap = next((part for part in parts if part.role == "recap"), None)
    if recap is None:
        return
    names = _names(sentence.text for section in sections for sentence in section.sentences)
    titles = [part.title for part in parts if part.role == "body" and part.title != document_title]
    topics = [_topic(title, names) for title in dict.fromkeys(titles)]
    recap.template = _recap([topic for topic in topics if topic][:4])
    recap.template_s = speaking_time_s(recap.template, words_per_minute=request.words_per_minute)
    _fit(parts, request.target_duration_s)


def _body_title(candidates: list[_Candidate], sections: list[ProseSection]) -> str:
    """The heading of the section the stretch mostly comes from, if it reads as a heading; else its key
    phrase."""
    counts = Counter(c.section for c in candidates)
    heading = sections[counts.most_common(1)[0][0]].heading if counts else None
    if heading and len(heading.split()) <= 8:
        return _clean_heading(heading)
    return _key_phrases(" ".join(c.text for c in candidates), 1)[0]


def _key_phrases(text: str, count: int) -> list[str]:
    """RAKE: runs of content words scored by how connected their words are; the best few, in text order."""
    phrases: list[list[str]] = []
    for chunk in _RAKE_SPLIT.split(text):
        current: list[str] = []
        for word in chunk.split():
            if word.lower() in _STOP or len(word) < 2:
                if current:
                    phrases.append(current)
                current = []
            else:
                current.append(word)
        if current:
            phrases.append(current)
    phrases = [p for p in phrases if 1 <= len(p) <= 4 and any(ch.isalpha() for ch in " ".join(p))]
    if not phrases:
        return [_headline(text, 6)]
    telling = [p for p in phrases if len(p) > 1 or _telling(p[0])]
    phrases, count = (telling, count) if telling else (phrases, 1)  # one plain word, not three
    frequency: Counter[str] = Counter()
    degree: Counter[str] = Counter()
    for phrase in phrases:
        for word in phrase:
            frequency[word.lower()] += 1
            degree[word.lower()] += len(phrase)
    scored = {" ".join(p): sum(degree[w.lower()] / frequency[w.lower()] for w in p) for p in phrases}
    best = sorted(scored, key=lambda p: -scored[p])
    chosen: list[str] = []
    for candidate in best:
        if not any(candidate.lower() in c.lower() or c.lower() in candidate.lower() for c in chosen):
            chosen.append(candidate)
        if len(chosen) == count:
            break
    return [_upper_first(phrase) for phrase in sorted(chosen, key=lambda p: text.find(p))]


def _telling(word: str) -> bool:
    """A word that says something alone on a slide: a name, an acronym, a number or a technical term
    ("pdf.js", "O(n)"), not "better" or "importantly"."""
    is_name = word[:1].isupper() and not word.istitle()
    return len(word) > 2 and (is_name or any(not ch.isalpha() for ch in word))


def _clean_heading(heading: str) -> str:
    return _HEADING_NUMBER.sub("", heading).strip().rstrip(".:") or heading


def _headline(text: str, max_words: int = 10) -> str:
    words = text.rstrip(".").split()
    return " ".join(words[:max_words]) + ("…" if len(words) > max_words else "")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?" else text + "."


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _has_letters(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


def _names(sentences: Iterable[str]) -> set[str]:
    """Words the document capitalises mid-sentence and never writes in lower case: "Chrome", "Python"."""
    capitalised: set[str] = set()
    lower: set[str] = set()
    for sentence in sentences:
        words = re.findall(r"[^\W\d_]+", sentence)
        capitalised.update(word for word in words[1:] if word.istitle())
        lower.update(word for word in words if word.islower())
    return {word for word in capitalised if word.lower() not in lower}


def _topic(heading: str, names: set[str]) -> str:
    """A heading said mid-sentence: "Overview: Example Tracing Run" → "example tracing run"; a generic
    heading such as "Introduction" names no topic. Names and acronyms keep their capitals."""
    heading = heading.split(": ", 1)[-1] if _GENERIC_HEADING.match(heading) else heading
    if _GENERIC_HEADING.fullmatch(heading) or any(not _has_letters(word) for word in heading.split()):
        return ""  # nothing to name, or a symbol such as ":=" that a list of topics cannot carry
    return " ".join(
        word.lower() if word.isalpha() and word.istitle() and word not in names else word
        for word in heading.split()
    )


_STOP = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just let like
    may me might more most must my myself no nor not now of off on once only or other our ours ourselves
    out over own same shall she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up upon us very via was we were what when where which
    while who whom why will with within without would you your yours yourself yourselves one two three
    use used uses using make makes made many much well even still yet however thus therefore hence also
    e.g i.e etc new way ways get gets see given since way per
    please keep kept feel free always often usually really simply just able allow allows need needs want
    try refer looking look following paper article document describe describes described present
    presents presented propose proposes proposed show shows shown
    """.split()  # noqa: SIM905 - a word list reads best as text
)
