"""Icons for cards: Lucide's outline set (ISC licence, ~1,900 icons with tags), shipped inside the
python-lucide wheel as SVG in a small SQLite file, drawn to pictures by resvg (a Rust wheel, no cairo).

An icon is named by Lucide's name ("rocket", "banknote"); `icon_for` matches a scene's key terms to one:
first a short curated table of everyday words, then the icon names and aliases, then Lucide's own tags.
"""

from __future__ import annotations

import difflib
import functools
import io
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.visuals.themes import Colour


def _words(text: str) -> list[str]:
    return text.split()


# Everyday words whose best icon Lucide's tags do not find (or find among too many)
CURATED: dict[str, str] = {
    "speed": "gauge", "fast": "zap", "faster": "zap", "performance": "gauge", "quick": "zap",
    "slow": "snail", "time": "clock", "hour": "clock", "minute": "timer", "second": "timer",
    "year": "calendar", "date": "calendar", "day": "calendar-days", "month": "calendar",
    "money": "banknote", "cost": "banknote", "price": "tag", "dollar": "dollar-sign", "euro": "euro",
    "revenue": "chart-column-increasing", "profit": "trending-up", "budget": "wallet", "tax": "receipt",
    "growth": "trending-up", "increase": "trending-up", "rise": "trending-up", "grow": "trending-up",
    "decline": "trending-down", "decrease": "trending-down", "fall": "trending-down", "drop": "trending-down",
    "percent": "percent", "percentage": "percent", "share": "chart-pie", "rate": "percent",
    "people": "users", "user": "users", "person": "user", "customer": "users", "population": "users",
    "team": "users", "employee": "briefcase", "job": "briefcase", "work": "briefcase",
    "data": "database", "database": "database", "storage": "hard-drive", "memory": "memory-stick",
    "code": "code", "program": "code", "software": "code", "function": "square-function",
    "compiler": "cpu", "processor": "cpu", "computer": "monitor", "server": "server", "network": "network",
    "internet": "globe", "web": "globe", "browser": "app-window", "cloud": "cloud", "api": "plug",
    "security": "shield", "secure": "shield-check", "privacy": "lock", "password": "key-round",
    "risk": "triangle-alert", "error": "circle-alert", "bug": "bug", "test": "flask-conical",
    "science": "flask-conical", "research": "microscope", "experiment": "flask-conical",
    "health": "heart-pulse", "medicine": "pill", "hospital": "hospital", "doctor": "stethoscope",
    "energy": "zap", "power": "zap", "electricity": "plug-zap", "battery": "battery-full",
    "water": "droplet", "rain": "cloud-rain", "climate": "thermometer", "temperature": "thermometer",
    "world": "globe", "global": "globe", "country": "flag", "city": "building-2", "map": "map",
    "distance": "ruler", "length": "ruler", "road": "route", "travel": "plane", "flight": "plane",
    "car": "car", "ship": "ship", "train": "train-front", "transport": "bus",
    "school": "school", "education": "graduation-cap", "student": "graduation-cap", "learn": "book-open",
    "book": "book-open", "document": "file-text", "paper": "file-text", "law": "scale", "rule": "scale",
    "idea": "lightbulb", "light": "lightbulb", "goal": "target", "target": "target", "award": "award",
    "launch": "rocket", "release": "rocket", "start": "rocket", "home": "house", "house": "house",
    "food": "utensils", "music": "music", "video": "video", "camera": "camera", "photo": "image",
    "image": "image", "search": "search", "question": "circle-help", "answer": "message-circle",
    "chat": "message-circle", "email": "mail", "phone": "smartphone", "mobile": "smartphone",
    "factory": "factory", "industry": "factory", "forest": "trees", "plant": "sprout",
    "weight": "weight", "tree": "list-tree", "size": "ruler", "language": "languages", "history": "history",
    "lighthouse": "lamp", "warning": "triangle-alert", "sensor": "radio", "flood": "waves",
    "syntax": "braces", "expression": "square-function", "variable": "variable", "loop": "repeat",
    "trace": "route", "javascript": "file-code", "python": "file-code", "interpreter": "terminal",
    "beach": "tree-palm", "coast": "waves", "coastline": "waves", "volunteer": "hand-heart",
    "benchmark": "gauge", "speedup": "zap", "viewer": "eye", "unemployment": "briefcase",
    "docstring": "file-text", "vote": "vote", "voter": "vote", "election": "vote",
}  # fmt: skip
_TOO_GENERIC_TAG = 12  # a tag on more icons than this says little about any one of them
_STOP = frozenset(
    _words(
        "the a an and or of to in on at by for with from as is are was were be been this that these those "
        "it its their there here than then also more most less very much many some any each every all one "
        "two new not can will would could should may might has have had do does did which who what when "
        "where how why"
    )
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


@dataclass(frozen=True)
class _Catalogue:
    svgs: dict[str, str]
    aliases: dict[str, str]
    by_tag: dict[str, tuple[str, ...]]


@functools.cache
def _catalogue() -> _Catalogue:
    from lucide.db import get_default_db_path

    with sqlite3.connect(f"file:{get_default_db_path()}?mode=ro", uri=True) as connection:
        svgs = dict(connection.execute("SELECT name, svg FROM icons"))
        aliases = dict(connection.execute("SELECT alias, name FROM icon_aliases"))
        tagged: dict[str, list[str]] = {}
        for name, tag in connection.execute("SELECT name, tag FROM icon_tags ORDER BY length(name), name"):
            tagged.setdefault(tag.lower(), []).append(name)
    return _Catalogue(svgs, aliases, {tag: tuple(names) for tag, names in tagged.items()})


def icon_names() -> tuple[str, ...]:
    return tuple(sorted(_catalogue().svgs))


def known_icon(name: str) -> str | None:
    """The icon `name` stands for (an icon's own name or an alias), or None."""
    catalogue = _catalogue()
    key = name.strip().lower().replace(" ", "-").replace("_", "-")
    if key in catalogue.svgs:
        return key
    return catalogue.aliases.get(key)


def check_icon(name: str) -> str:
    """`name` as a known icon's name; a clear error naming the closest icons if there is none."""
    found = known_icon(name)
    if found is None:
        close = difflib.get_close_matches(name.strip().lower(), icon_names(), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else " (see the Lucide icon names)"
        raise InvalidOption(f"icon {name!r} is not one of the bundled icons{hint}")
    return found


def _stem(word: str) -> str:
    word = word.lower().strip("'-")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _match(word: str) -> str | None:
    for candidate in dict.fromkeys((word.lower(), _stem(word))):
        if candidate in _STOP or len(candidate) < 3:
            continue
        if candidate in CURATED and (curated := known_icon(CURATED[candidate])) is not None:
            return curated
        if (named := known_icon(candidate)) is not None:
            return named
        if (tagged := _tagged(candidate)) is not None:
            return tagged
    return None


def _tagged(tag: str) -> str | None:
    """The icon tagged `tag` whose name says it too (the shortest such name): an icon only tagged with a word
    draws something else ("maximum" is a tag of "plus"), which on a card reads as nonsense."""
    tagged = _catalogue().by_tag.get(tag, ())
    if not 0 < len(tagged) <= _TOO_GENERIC_TAG:
        return None
    return next((name for name in tagged if tag in name.split("-")), None)


def icon_for(terms: Sequence[str]) -> str | None:
    """The icon for the first of `terms` (key terms, then narration, most telling first) that has one.

    A term may be a phrase: its whole form is tried ("light bulb"), then its words from the last (the head
    noun of an English phrase) to the first.
    """
    for term in terms:
        words = _WORD.findall(term)
        if not words:
            continue
        phrases = ["-".join(words).lower(), " ".join(words).lower()] if len(words) > 1 else []
        for phrase in phrases:
            if (found := known_icon(phrase)) is not None or (found := _tagged(phrase)) is not None:
                return found
        for word in reversed(words):
            if (found := _match(word)) is not None:
                return found
    return None


def icon_image(name: str, size: int, colour: Colour, *, stroke: float = 2.0) -> Image.Image:
    """The icon `name` as a `size`×`size` RGBA picture drawn in `colour` (its line `stroke` units wide
    of the icon's 24)."""
    return _drawn(check_icon(name), size, colour, stroke).copy()


@functools.lru_cache(maxsize=64)
def _drawn(name: str, size: int, colour: Colour, stroke: float) -> Image.Image:
    import resvg_py

    hex_colour = "#{:02x}{:02x}{:02x}".format(*colour)
    svg = _catalogue().svgs[name].replace("currentColor", hex_colour)
    svg = re.sub(r'stroke-width="[\d.]+"', f'stroke-width="{stroke:g}"', svg, count=1)
    png = resvg_py.svg_to_bytes(svg_string=svg, width=size, height=size, skip_system_fonts=True)
    with Image.open(io.BytesIO(bytes(png))) as picture:
        return picture.convert("RGBA")
