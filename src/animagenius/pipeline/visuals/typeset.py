"""Setting text in a width: wrapping by words, and cutting with an ellipsis."""

from __future__ import annotations

from PIL import ImageFont


def truncate(text: str, font: ImageFont.FreeTypeFont, width: float, *, force: bool = False) -> str:
    """`text` cut to `width` with an ellipsis; `force`: `text` ends in " …" that must stay visible."""
    if font.getlength(text) <= width:
        return text
    text = text.removesuffix(" …") if force else text
    while text and font.getlength(text.rstrip(" ,.;:") + "…") > width:
        text = text[:-1]
    return text.rstrip(" ,.;:") + "…"


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
