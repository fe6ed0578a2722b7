"""Choosing sentences for each scene within its share of the time, then fitting the total to the target.

Each scene picks greedily: the sentence whose importance plus the weight of the key terms it would newly
bring to the video is highest, within the scene's budget. Then sentences are added, dropped or swapped until
the spoken estimate is within a few percent of the target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from animagenius.pipeline.domain import SCENE_LEAD_IN_S, SCENE_PAUSE_S, SceneRole, Visual
from animagenius.pipeline.script.analyse import content_words
from animagenius.pipeline.script.candidates import Candidate

FIT_TOLERANCE = 0.03  # aim within ±3 % of the target, leaving room for the voice's own variation
SCENE_PAUSES_S = SCENE_LEAD_IN_S + SCENE_PAUSE_S
COVERAGE_WEIGHT = 1.2  # how much a sentence's new key terms count against its own importance
CONTEXT_PENALTY = 0.35  # a sentence that needs the one before it, without it
SAID_SECTION_PENALTY = 0.6  # a body sentence from the section the hook drew on
MUST_HAVE_STRETCH = 1.6  # how far a hook's defining sentence may run over the hook's share of time

_Move = Callable[[], None]


@dataclass(eq=False)
class Part:
    """A scene in the making: its framing words (`lead`, `tail`) around the source sentences it picks."""

    role: SceneRole
    title: str
    heading: str = ""  # the source heading the title comes from, if it does: what a bridge may name
    lead: str = ""  # said before the sentences: a question, a transition, learning goals
    tail: str = ""  # said after them: a recap, a closing line
    lead_s: float = 0.0
    tail_s: float = 0.0
    candidates: list[Candidate] = field(default_factory=list)
    picked: list[Candidate] = field(default_factory=list)
    weight: float = 1.0
    budget_s: float = 0.0  # speaking time this scene's sentences may take; 0 leaves it to the body's share
    visual: Visual = field(default_factory=Visual)
    ordered: bool = True  # picked sentences are said in the document's order
    ranked: bool = False  # candidates come best first: take them in that order while they fit
    points: list[str] = field(default_factory=list)  # a recap's key points, shown as its bullets

    @property
    def seconds(self) -> float:
        return SCENE_PAUSES_S + sum(c.seconds for c in self.picked) + self.lead_s + self.tail_s

    @property
    def spoken(self) -> bool:
        return bool(self.picked or self.lead or self.tail)


class Coverage:
    """The key terms the script names so far, and what a sentence would add."""

    def __init__(self, weights: dict[tuple[str, ...], float]) -> None:
        self.weights = weights
        self.top = max(weights.values(), default=1.0) or 1.0

    def gain(self, candidate: Candidate, parts: list[Part]) -> float:
        said = {term for part in parts for c in part.picked for term in c.terms}
        return sum(self.weights[term] for term in candidate.terms - said) / self.top


def fill(parts: list[Part], *, target_s: float, coverage: Coverage) -> None:
    """Pick sentences by worth within each scene's share of time, then fit the total to the target."""
    framed = [part for part in parts if part.budget_s]
    for part in framed:
        _fill_part(parts, part, part.budget_s, coverage)
    spare = max(0.0, target_s - sum(part.seconds for part in parts))
    body = [part for part in parts if not part.budget_s and part.candidates]
    body_weight = sum(part.weight for part in body) or 1.0
    for part in body:
        budget = spare * part.weight / body_weight
        _fill_part(parts, part, budget, coverage)
        if not part.picked:  # nothing fits: the best sentence that overshoots least
            best = max(
                part.candidates, key=lambda c: _merit(c, part, parts, coverage) / (1 + c.seconds / budget)
            )
            _pick(parts, part, best)
    fit(parts, target_s=target_s, coverage=coverage)


def _fill_part(parts: list[Part], part: Part, budget: float, coverage: Coverage) -> None:
    if part.ranked:  # the first choice is the one the scene is for: it may run over its budget
        for rank, candidate in enumerate(part.candidates):
            allowed = budget * (MUST_HAVE_STRETCH if rank == 0 else 1.1)
            if sum(c.seconds for c in part.picked) + candidate.seconds <= allowed:
                _pick(parts, part, candidate)
        return
    while True:
        room = budget * 1.1 - sum(c.seconds for c in part.picked)
        options = [c for c in part.candidates if c.seconds <= room and _can_pick(parts, part, c)]
        if not options:
            return
        _pick(parts, part, max(options, key=lambda c: _merit(c, part, parts, coverage)))


def _merit(candidate: Candidate, part: Part, parts: list[Part], coverage: Coverage) -> float:
    """Importance and new key terms; a sentence that needs the one before it is worth less, unless that one
    is already in the scene; a body sentence from the section the hook opened with is worth less too (the
    hook has said what the document is: the body moves on to what it says)."""
    worth = candidate.score + COVERAGE_WEIGHT * coverage.gain(candidate, parts)
    alone = candidate.needs_context and not _follows(candidate, part, parts)
    opened = part.role == "body" and any(
        c.section == candidate.section for other in parts if other.role == "hook" for c in other.picked
    )
    return worth * (CONTEXT_PENALTY if alone else 1.0) * (SAID_SECTION_PENALTY if opened else 1.0)


def _follows(candidate: Candidate, part: Part, parts: list[Part] | None = None) -> bool:
    """The sentence before it is in the scene, with no code sample or picture between them. What a table
    shows may go on in the next scene, as the chart stays on screen."""
    sentence = candidate.sentence
    before = list(part.picked)
    if sentence.data and parts is not None:
        before = [c for other in parts for c in other.picked]
    return any(
        c.sentence.position == sentence.position - 1 and sentence.block - c.sentence.block <= 1
        for c in before
    )


def _pick(parts: list[Part], part: Part, candidate: Candidate) -> None:
    if _can_pick(parts, part, candidate):
        part.picked.append(candidate)
        if part.ordered:
            part.picked.sort(key=lambda c: c.sentence.position)


def _can_pick(parts: list[Part], part: Part, candidate: Candidate) -> bool:
    """Not narrated yet, not a repeat of a sentence already said, and understandable where it would go."""
    if any(candidate in other.picked for other in parts):
        return False
    if any(_similar(candidate.text, c.text) for c in part.picked):  # parallel sections may say alike
        return False
    return not candidate.needs_context or _follows(
        candidate, part, parts
    )  # "It also…" needs what came before


def _similar(a: str, b: str) -> bool:
    first, second = set(content_words(a)), set(content_words(b))
    return bool(first and second) and len(first & second) / len(first | second) >= 0.5


def fit(parts: list[Part], *, target_s: float, coverage: Coverage) -> None:
    low, high = target_s * (1 - FIT_TOLERANCE), target_s * (1 + FIT_TOLERANCE)
    for _ in range(200):
        total = sum(part.seconds for part in parts)
        if low <= total <= high:
            return
        move = (
            _best_addition(parts, target_s - total, coverage)
            if total < low
            else _best_removal(parts, total - target_s, coverage)
        )
        if move is not None:
            move()
        elif not _swap_towards(parts, target_s):  # a swap may make room for sentences that were too similar
            return


def _best_addition(parts: list[Part], missing: float, coverage: Coverage) -> _Move | None:
    options = [(part, c) for part in parts if not part.budget_s for c in part.candidates]
    options = [(part, c) for part, c in options if _can_pick(parts, part, c)]
    if not options:
        return None
    # prefer worthy sentences, and ones that do not overshoot by more than they fill
    part, candidate = max(
        options,
        key=lambda o: _merit(o[1], o[0], parts, coverage) / (1 + max(0.0, o[1].seconds - missing) / 4),
    )
    return lambda: _pick(parts, part, candidate)


def _best_removal(parts: list[Part], excess: float, coverage: Coverage) -> _Move | None:
    options = [
        (part, c)
        for part in parts
        for c in part.picked
        if (len(part.picked) > 1 or (part.role != "body" and (part.lead or part.tail)))
        and not _leans_on(c, part)
        and not (part.ranked and part.candidates and c is part.candidates[0])  # what the scene is for
    ]
    if not options:
        droppable = [part for part in parts if part.role == "body" and part.picked]
        if len(droppable) <= 1:
            return None
        weakest = min(droppable, key=lambda part: part.weight)
        return lambda: parts.remove(weakest)

    def loss(option: tuple[Part, Candidate]) -> float:
        part, candidate = option
        part.picked.remove(candidate)  # what it brings is what the script loses without it
        worth = _merit(candidate, part, parts, coverage)
        part.picked.append(candidate)
        return worth * (1 + abs(candidate.seconds - excess) / 8)

    # drop the least worthy sentence, preferring one about as long as the excess
    part, candidate = min(options, key=loss)
    for chosen in parts:  # `loss` reordered the scene's sentences; put them back in order
        if chosen.ordered:
            chosen.picked.sort(key=lambda c: c.sentence.position)
    return lambda: part.picked.remove(candidate)


def _leans_on(candidate: Candidate, part: Part) -> bool:
    """Another sentence of the scene needs this one before it ("It also…")."""
    after = candidate.sentence.position + 1
    return any(c.needs_context and c.sentence.position == after for c in part.picked)


def _swap_towards(parts: list[Part], target: float) -> bool:
    """Last resort for coarse sentences: swap one sentence for another of a better length."""
    total = sum(part.seconds for part in parts)
    narrated = {id(c) for part in parts for c in part.picked}
    best: tuple[float, Part, Candidate, Candidate] | None = None
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


def _swappable(parts: list[Part], part: Part, out: Candidate, into: Candidate) -> bool:
    """`into` can take `out`'s place, and nothing left in the scene needed `out` before it."""
    index = part.picked.index(out)
    part.picked.remove(out)
    try:
        return _can_pick(parts, part, into) and all(
            not c.needs_context or _follows(c, part) or c is into for c in part.picked
        )
    finally:
        part.picked.insert(index, out)
