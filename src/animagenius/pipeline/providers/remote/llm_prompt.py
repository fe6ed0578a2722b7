"""What the LLM script writer asks for: the same qualities as the offline writer (`pipeline/script/`).

The system prompt sets the job: the planned structure (`ScriptRequest.planned_structure`, the rule both
writers follow), what each role's scene says in the requested style (with example phrases from the offline
writer's phrase book, in the document's language), the language, a word budget from the target length, what
narration and on-screen text may hold (what `script.clean` and `script.bullets` let through), and which
source blocks each kind of visual may show. The user prompt is the document as numbered
blocks (`[12] paragraph: …`), shortened to a character budget by keeping the start of every section, and the
outline's key points.
"""

from __future__ import annotations

from animagenius.pipeline.domain import (
    SCENE_LEAD_IN_S,
    SCENE_PAUSE_S,
    SOURCE_VISUALS,
    KeyPoint,
    Outline,
    ScriptRequest,
    ScriptStyle,
    SourceDocument,
)
from animagenius.pipeline.script.bullets import MAX_BULLET_CHARS, MAX_BULLET_WORDS, MAX_BULLETS
from animagenius.pipeline.script.language import LANGUAGES, Phrases, phrases_for
from animagenius.pipeline.visuals.charts import chart_data

DOCUMENT_BUDGET_CHARS = 40_000
KEY_POINTS_BUDGET_CHARS = 5_000
BLOCK_MAX_CHARS = 1_500
DURATION_TOLERANCE = 0.15
SECONDS_PER_BODY_SCENE: dict[ScriptStyle, int] = {"summary": 18}  # a summary is denser: fewer, fuller scenes
DEFAULT_SECONDS_PER_BODY_SCENE = 15
MAX_BODY_SCENES = 10
MAX_LISTED_VISUALS = 30
TITLE_MAX_WORDS = 8
SCENE_PAUSES_S = SCENE_LEAD_IN_S + SCENE_PAUSE_S

STYLE_TONE: dict[ScriptStyle, str] = {
    "explainer": "explain clearly to a curious newcomer, in plain words, defining any term you need",
    "summary": "a neutral, dense summary of the main points in the document's order",
    "lesson": "teach step by step, as a teacher to learners",
    "promo": "energetic and persuasive, never claiming more than the document says",
}

# ---------------------------------------------------------------- the system prompt


def scene_plan(request: ScriptRequest) -> tuple[int, int]:
    """How many scenes to suggest, and the narration words they share, for the requested length."""
    per_scene = SECONDS_PER_BODY_SCENE.get(request.style, DEFAULT_SECONDS_PER_BODY_SCENE)
    body_scenes = max(1, min(MAX_BODY_SCENES, round(request.target_duration_s / per_scene)))
    scenes = body_scenes + sum(1 for role in request.planned_structure if role != "body")
    speaking_s = max(5.0, request.target_duration_s - scenes * SCENE_PAUSES_S)
    return scenes, round(speaking_s * request.words_per_minute / 60)


def system_prompt(document: SourceDocument, request: ScriptRequest, *, language: str) -> str:
    scenes, words = scene_plan(request)
    low, high = round(words * (1 - DURATION_TOLERANCE / 2)), round(words * (1 + DURATION_TOLERANCE / 2))
    planned = request.planned_structure
    roles = " → ".join("body (one or more scenes)" if role == "body" else role for role in planned)
    phrases = phrases_for(language)
    lines = [
        "You write the script of a narrated video made from the document the user sends.",
        "",
        f"Structure: scenes in this order of roles: {roles}. Plan about {scenes} scenes.",
        *(f"- {role}: {_role_guidance(role, request, phrases)}" for role in dict.fromkeys(planned)),
        f"Style: {request.style}: {STYLE_TONE[request.style]}.",
        _language_line(language),
        f"Length: the video lasts {request.target_duration_s:g} seconds. Spoken at "
        f"{request.words_per_minute:g} words a minute with a short pause between scenes, all narrations "
        f"together must have about {words} words (between {low} and {high}). Count them.",
        "Narration: full spoken sentences, as a presenter says them. No citation or footnote markers "
        '("[12]", "¹", "<7>"), no code, file names, URLs or markup, and never mention figures, tables, '
        'pages, sections, links or code the viewer cannot see ("see Figure 3", "as shown below"). Keep '
        "numbers, names and quotations exactly as in the document. Do not invent facts. Sentences that "
        "break these rules are cut before the script is used.",
        f"On screen: a title of at most {TITLE_MAX_WORDS} words, and 0 to {MAX_BULLETS} bullets. A bullet "
        f"is a complete key phrase of at most {MAX_BULLET_WORDS} words and {MAX_BULLET_CHARS} characters: "
        'a noun phrase or a short clause ("Trace trees", "Loops run as native code"), never a clause cut '
        'at a conjunction ("Although TAM"), never starting or ending with a small word such as "the", '
        '"of" or "and", never an everyday word alone ("Code"), never the title again. Other bullets are '
        "left off the screen.",
        "Visuals, one per scene:",
        '- "slide": shows the title and bullets; block null.',
        *_visual_choices(document),
        '- "generated": an illustration made from "prompt" (one sentence, no text in the picture); '
        "block null. Use it rarely.",
        '"prompt" is "" unless the visual is generated.',
        "source_blocks: the [index] of each block the scene's narration draws on; only indexes that appear "
        "in the document.",
        "Answer with the JSON object only.",
    ]
    return "\n".join(lines)


def _language_line(language: str) -> str:
    line = (
        "Language: every word (narration, titles, bullets, the video's title, and your own bridges, recap "
        f"and closing) in {language_label(language)}, the document's language"
    )
    if language.split("-")[0].lower() == "en":
        return line + "."
    return line + ", although these instructions are in English."


def language_label(language: str) -> str:
    """ "French (fr)": the phrase book's name for a language the offline writer knows, else espeak-ng's."""
    known = LANGUAGES.get(language.split("-")[0].lower())
    if known is not None:
        return f"{known.name} ({language})"
    from animagenius.pipeline.providers.local.espeak import language_name  # loads espeak-ng: only when needed

    name = language_name(language)
    return f"{name} ({language})" if name != language else f"the language {language!r}"


def _role_guidance(role: str, request: ScriptRequest, phrases: Phrases) -> str:
    if role == "hook":
        return _hook_guidance(request.style, phrases)
    if role == "body":
        return _body_guidance(request.style, phrases)
    if role == "recap":
        return _recap_guidance(request.style, phrases)
    return _closing_guidance(request, phrases)


def _hook_guidance(style: ScriptStyle, phrases: Phrases) -> str:
    definition = (
        "what the subject is, or the question the document answers, in the document's own defining "
        "sentence (where it says what the thing is or what it proposes)"
    )
    opening = {
        "explainer": f'say {definition}; you may ask the question first ("{_question(phrases)}")',
        "summary": f"the document's main point at once: {definition}",
        "lesson": f'first the learning goals ("{_goals(phrases)}"), then {definition}',
        "promo": "lead with the benefit: the document's strongest promise of what the viewer gains, then "
        + definition,
    }[style]
    return f'{opening}. Never open with "Here is X, explained in N seconds" or any words about the video.'


def _body_guidance(style: ScriptStyle, phrases: Phrases) -> str:
    order = (
        "follow the document's order and together cover all its sections, not just the beginning; skip "
        "back matter such as references, acknowledgements and copyright"
    )
    if style == "summary":
        return f"{order}. Dense: fewer, fuller scenes, with no bridges, questions or asides."
    bridge = phrases.transitions[1].format(topic="X")
    return f'{order}. Each body scene opens with a short bridge that names its topic ("{bridge}").'


def _recap_guidance(style: ScriptStyle, phrases: Phrases) -> str:
    recap = f'name the video\'s key points in one or two sentences ("{_recap(phrases)}")'
    if style == "lesson":
        check = phrases.check.format(question=_question(phrases))
        return f'open with a check question for the learner ("{check}"), then {recap}.'
    return f"{recap}."


def _closing_guidance(request: ScriptRequest, phrases: Phrases) -> str:
    if request.call_to_action.strip():
        return f'the narration is exactly: "{request.call_to_action.strip()}"'
    takeaway = {
        "explainer": "a takeaway: the document's own conclusion, or what to remember",
        "summary": "the document's own conclusion, in a sentence or two",
        "lesson": "what to remember, and an invitation to explain the subject in one's own words",
        "promo": "an invitation to try or discover the subject, from what the document offers",
    }[request.style]
    return (
        f'{takeaway}; never "read the original", "read the full paper", "visit the link" or '
        '"thanks for watching".'
    )


def _question(phrases: Phrases) -> str:
    return phrases.question("X", plural=False)


def _goals(phrases: Phrases) -> str:
    return phrases.goals.format(items=phrases.join(["A", "B", "C"]))


def _recap(phrases: Phrases) -> str:
    return phrases.recap.format(items=phrases.join(["A", "B", "C"]))


def _visual_choices(document: SourceDocument) -> list[str]:
    figures = [i for i, block in enumerate(document.blocks) if block.kind == "figure" and block.image]
    tables = [i for i, block in enumerate(document.blocks) if block.kind == "table"]
    charts = [i for i in tables if chart_data(document.blocks[i].rows) is not None]
    clips = [i for i in figures if document.blocks[i].source.start_s is not None]
    *others, last = [kind.replace("_", " ") for kind in SOURCE_VISUALS["quote"]]
    return [
        _indexed_choice("figure", "a picture from the document", figures, document),
        _indexed_choice("table", "a table from the document, drawn as a grid", tables, document),
        _indexed_choice("chart", "a table's numbers drawn as a bar, line or pie chart", charts, document),
        _indexed_choice("clip", "a scene of an uploaded video, playing muted", clips, document),
        f'- "quote": shows one short block verbatim as a pull-quote; block is the index of a '
        f"{', '.join(others)} or {last} block.",
    ]


def _indexed_choice(kind: str, what: str, indexes: list[int], document: SourceDocument) -> str:
    if not indexes:
        return f'- "{kind}": not available: the document has no {kind} blocks.'
    listed = [
        f"  [{i}] {_one_line(document.blocks[i].text, 80) or '(no caption)'}"
        for i in indexes[:MAX_LISTED_VISUALS]
    ]
    return f'- "{kind}": shows {what}; block must be one of these:\n' + "\n".join(listed)


# ---------------------------------------------------------------- the user prompt: the document


def user_prompt(document: SourceDocument, outline: Outline, *, language: str) -> str:
    return (
        f"Title: {document.title}\nLanguage: {language}\n\n"
        f"Document, as numbered blocks ({len(document.blocks)} in all):\n"
        f"{document_listing(document)}\n\n"
        f"Key points found by analysis:\n{key_points(outline)}"
    )


def document_listing(document: SourceDocument, *, budget_chars: int = DOCUMENT_BUDGET_CHARS) -> str:
    """`[index] kind: text` lines; a long document keeps the start of every section within the budget."""
    sections: list[list[str]] = []
    for index, block in enumerate(document.blocks):
        if block.kind == "heading" or not sections:
            sections.append([])
        kind = f"heading {block.level or 1}" if block.kind == "heading" else block.kind
        sections[-1].append(f"[{index}] {kind}: {_one_line(block.text, BLOCK_MAX_CHARS)}")
    shares = fair_shares([sum(len(line) + 1 for line in section) for section in sections], budget_chars)
    listing: list[str] = []
    for section, share in zip(sections, shares, strict=True):
        used = 0
        for position, line in enumerate(section):
            if position and used + len(line) + 1 > share:
                listing.append(f"… ({len(section) - position} more blocks of this section left out)")
                break
            listing.append(line)
            used += len(line) + 1
    return "\n".join(listing)


def fair_shares(sizes: list[int], budget: int) -> list[int]:
    """Split `budget` so that small sections get all they need and large ones share the rest equally."""
    shares = [0] * len(sizes)
    remaining = budget
    open_sections = set(range(len(sizes)))
    while open_sections:
        share = remaining // len(open_sections)
        fitting = {i for i in open_sections if sizes[i] <= share}
        if not fitting:
            for i in open_sections:
                shares[i] = share
            break
        for i in fitting:
            shares[i] = sizes[i]
            remaining -= sizes[i]
        open_sections -= fitting
    return shares


def key_points(outline: Outline, *, budget_chars: int = KEY_POINTS_BUDGET_CHARS) -> str:
    """The outline's key points within the budget: every section's best first, in document order."""
    by_rank = sorted(
        ((rank, number, _key_point_line(section.heading, point))
         for number, section in enumerate(outline.sections)
         for rank, point in enumerate(section.key_points)),
        key=lambda entry: (entry[0], entry[1]),
    )  # fmt: skip
    chosen: list[tuple[int, int, str]] = []
    used = 0
    for rank, number, line in by_rank:
        used += len(line) + 1
        if used > budget_chars:
            break
        chosen.append((number, rank, line))
    return "\n".join(line for _, _, line in sorted(chosen)) or "- (none)"


def _key_point_line(heading: str | None, point: KeyPoint) -> str:
    section = _one_line(heading or "(untitled section)", 80)
    return f"- {section}: {_one_line(point.text, 300)} [{point.block}]"


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
