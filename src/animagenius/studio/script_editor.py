"""The script editor: scene cards as the page shows and sends them, applied to the saved script through the
pipeline's script edits (pipeline/script_edit.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.http import QueryDict
from pydantic import ValidationError

from animagenius.pipeline.domain import (
    GENERATED_VISUALS,
    SOURCE_VISUALS,
    Scene,
    Script,
    SourceDocument,
    Visual,
    scene_time_s,
)
from animagenius.pipeline.errors import InvalidScript
from animagenius.pipeline.script.edit import (
    scene_add,
    scene_delete,
    scene_reorder,
    scene_update,
    script_check_against,
)

BULLET_INPUTS = 3
MAX_SCENES = 200
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
_CHECKED_SCENE = re.compile(r"^scene (\d+) \(")  # how script_check_against names a scene


@dataclass(frozen=True)
class SceneCard:
    """One scene as the editor shows it, and as the person sent it back.

    `key` names the card's inputs (`<key>-title`, …): the scene id for saved scenes, a browser-made key
    for scenes added in the page. `scene_id` is blank for those.
    """

    key: str
    scene_id: str
    role: str
    title: str
    narration: str
    bullets: tuple[str, ...]
    visual: str
    prompt: str
    source_blocks: tuple[int, ...] = ()
    estimated_s: float = 0.0
    error: str = ""

    @classmethod
    def from_scene(cls, scene: Scene) -> SceneCard:
        visual = scene.visual
        return cls(
            key=scene.id,
            scene_id=scene.id,
            role=scene.role,
            title=scene.title,
            narration=scene.narration,
            bullets=scene.bullets,
            visual=visual.kind if visual.block is None else f"{visual.kind}:{visual.block}",
            prompt=visual.prompt,
            source_blocks=scene.source_blocks,
            estimated_s=scene.estimated_s,
        )

    @property
    def bullet_inputs(self) -> tuple[str, ...]:
        return (*self.bullets, *[""] * BULLET_INPUTS)[: max(BULLET_INPUTS, len(self.bullets))]

    @property
    def role_label(self) -> str:
        return self.role.replace("_", " ").capitalize()


def scene_cards_parse(data: QueryDict, *, base: Script) -> list[SceneCard]:
    """The cards in the order the page sent them; unknown or repeated keys are ignored."""
    known = {scene.id: scene for scene in base.scenes}
    keys = [key for key in dict.fromkeys(data.getlist("scene")) if _KEY.match(key)][: MAX_SCENES + 1]
    cards = []
    for key in keys:
        scene_id = data.get(f"{key}-id", "")
        saved = known.get(scene_id)
        cards.append(
            SceneCard(
                key=key,
                scene_id=scene_id if saved else "",
                role=saved.role if saved else "body",
                title=data.get(f"{key}-title", ""),
                narration=data.get(f"{key}-narration", ""),
                bullets=tuple(bullet for bullet in data.getlist(f"{key}-bullet") if bullet.strip()),
                visual=data.get(f"{key}-visual", "slide"),
                prompt=data.get(f"{key}-prompt", ""),
                source_blocks=saved.source_blocks if saved else (),
            )
        )
    return cards


def scene_cards_estimate(cards: Sequence[SceneCard], *, words_per_minute: float) -> list[SceneCard]:
    """The cards with the pipeline's time estimate for what they say now."""
    return [
        replace(card, estimated_s=_estimate(card.narration, words_per_minute=words_per_minute))
        for card in cards
    ]


def _estimate(narration: str, *, words_per_minute: float) -> float:
    if not narration.strip():
        return 0.0
    return round(scene_time_s(narration.strip(), words_per_minute=words_per_minute), 2)


@dataclass
class ScriptEditForm:
    """The editor's form: applies the cards to the saved script through the pipeline's script edits.

    Valid: `script` is the edited script. Invalid: `cards` carry each scene's problem (`error`), and
    `error` the problem of the script as a whole; what the person typed is kept.
    """

    data: QueryDict
    base: Script
    document: SourceDocument
    cards: list[SceneCard] = field(default_factory=list)
    error: str = ""
    script: Script | None = None

    def is_valid(self) -> bool:
        self.cards = scene_cards_estimate(
            scene_cards_parse(self.data, base=self.base), words_per_minute=self.base.words_per_minute
        )
        if not self.cards:
            self.error = "A script needs at least one scene; add one before saving."
        elif len(self.cards) > MAX_SCENES:
            self.error = f"A script has at most {MAX_SCENES} scenes."
        else:
            self.script = self._apply()
        if self.errors_by_key and not self.error:
            self.error = "Nothing was saved: fix the scenes marked below, then save again."
        return self.script is not None and not self.error

    @property
    def base_number(self) -> int | None:
        number = self.data.get("version", "")
        return int(number) if number.isdigit() else None

    @property
    def errors_by_key(self) -> dict[str, str]:
        return {card.key: card.error for card in self.cards if card.error}

    def _apply(self) -> Script | None:
        script, ids = self._edit_scenes()
        if self.errors_by_key:
            return None
        kept = set(ids.values())
        try:
            for scene in self.base.scenes:
                if scene.id not in kept:
                    script = scene_delete(script, scene.id)
            script = scene_reorder(script, [ids[card.key] for card in self.cards])
            script_check_against(script, self.document)
        except InvalidScript as problem:
            self._blame(str(problem))
            return None
        return script

    def _edit_scenes(self) -> tuple[Script, dict[str, str]]:
        """Update the saved scenes and add the new ones; returns the script and each card's scene id."""
        script, ids = self.base, {}
        for position, card in enumerate(self.cards):
            try:
                script, ids[card.key] = _apply_card(script, card)
            except InvalidScript as problem:
                self.cards[position] = replace(card, error=_for_person(str(problem)))
        return script, ids

    def _blame(self, message: str) -> None:
        """Put a whole-script problem next to the scene it names, if it names one."""
        named = _CHECKED_SCENE.match(message)
        position = int(named.group(1)) - 1 if named else -1
        if 0 <= position < len(self.cards):
            self.cards[position] = replace(self.cards[position], error=_for_person(message))
        else:
            self.error = _for_person(message)


def _apply_card(script: Script, card: SceneCard) -> tuple[Script, str]:
    visual = _visual(card)
    if card.scene_id:
        kept = next((scene.visual for scene in script.scenes if scene.id == card.scene_id), None)
        if kept is not None and (kept.kind, kept.block) == (visual.kind, visual.block) and not visual.prompt:
            visual = kept  # unchanged: what the planner chose to show on it (a quote's sentence) stays
        edited = scene_update(
            script,
            card.scene_id,
            title=card.title,
            narration=card.narration,
            bullets=card.bullets,
            visual=visual,
        )
        return edited, card.scene_id
    before = {scene.id for scene in script.scenes}
    added = scene_add(
        script, after=None, title=card.title, narration=card.narration, bullets=card.bullets, visual=visual
    )
    (new_id,) = {scene.id for scene in added.scenes} - before
    return added, new_id


def _visual(card: SceneCard) -> Visual:
    kind, _, block = card.visual.partition(":")
    try:
        if kind in GENERATED_VISUALS:
            return Visual.model_validate({"kind": kind, "prompt": card.prompt.strip()})
        if block and kind in SOURCE_VISUALS:
            return Visual.model_validate({"kind": kind, "block": int(block)})
        if block:  # a slide shows no block; the renderer must not be handed one
            raise ValueError(card.visual)
        return Visual.model_validate({"kind": kind or "slide"})
    except ValueError as problem:  # ValidationError is a ValueError, and so is int("x")
        detail = (
            problem.errors()[0]["msg"].removeprefix("Value error, ")
            if isinstance(problem, ValidationError)
            else "choose one from the list"
        )
        raise InvalidScript(f"visual: {detail}") from None


_PYDANTIC_WORDING = {
    "String should have at least 1 character": "must not be blank",
    "Tuple should have at most 3 items after validation, not ": "a scene has at most 3 bullets, not ",
}


def _for_person(message: str) -> str:
    """The pipeline's message, shown next to the scene it is about: without the scene's internal id."""
    message = re.sub(r"^scene [\w-]+: ", "", message)
    message = re.sub(r"^the new scene: ", "", message)
    for wording, plain in _PYDANTIC_WORDING.items():
        message = message.replace(wording, plain)
    return message[:1].upper() + message[1:]
