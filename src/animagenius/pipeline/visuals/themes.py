"""The looks a video's stills can take: colours and type weights, one `Theme` each."""

from __future__ import annotations

from dataclasses import dataclass, replace

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    background_top: Colour
    background_bottom: Colour  # the background is a vertical gradient; equal ends make it flat
    accent: Colour  # rules, bullets, the quote mark, a table's header row
    title: Colour
    body: Colour
    muted: Colour  # the scene counter, a quote's attribution
    panel: Colour  # table rows and the frame around a picture
    panel_alternate: Colour
    panel_text: Colour
    on_accent: Colour  # text on the accent colour
    chart: tuple[Colour, ...] = (
        (129, 140, 248),
        (52, 211, 153),
        (251, 191, 36),
        (244, 114, 182),
        (56, 189, 248),
        (163, 230, 53),
    )  # series and slices, in order
    title_weight: int = 750
    body_weight: int = 450


DARK = Theme(
    name="dark", label="Dark (indigo night)",
    background_top=(17, 24, 39), background_bottom=(49, 46, 129), accent=(129, 140, 248),
    title=(255, 255, 255), body=(224, 231, 255), muted=(165, 180, 252),
    panel=(255, 255, 255), panel_alternate=(238, 242, 255),
    panel_text=(17, 24, 39), on_accent=(255, 255, 255),
)  # fmt: skip
LIGHT = Theme(
    name="light", label="Light (sky)",
    background_top=(240, 246, 255), background_bottom=(199, 218, 245), accent=(37, 99, 235),
    title=(15, 23, 42), body=(51, 65, 85), muted=(100, 116, 139),
    panel=(255, 255, 255), panel_alternate=(241, 245, 249),
    panel_text=(15, 23, 42), on_accent=(255, 255, 255),
    chart=((37, 99, 235), (5, 150, 105), (217, 119, 6), (219, 39, 119), (2, 132, 199), (101, 163, 13)),
)  # fmt: skip
BOLD = Theme(
    name="bold", label="Bold (sunset)",
    background_top=(127, 29, 29), background_bottom=(234, 88, 12), accent=(250, 204, 21),
    title=(255, 255, 255), body=(255, 237, 213), muted=(254, 215, 170),
    panel=(255, 251, 235), panel_alternate=(254, 243, 199),
    panel_text=(69, 26, 3), on_accent=(69, 26, 3),
    chart=((250, 204, 21), (255, 255, 255), (254, 215, 170), (69, 26, 3), (253, 224, 71), (251, 146, 60)),
    title_weight=900, body_weight=600,
)  # fmt: skip
MINIMAL = Theme(
    name="minimal", label="Minimal (white)",
    background_top=(255, 255, 255), background_bottom=(255, 255, 255), accent=(17, 17, 17),
    title=(17, 17, 17), body=(64, 64, 64), muted=(128, 128, 128),
    panel=(250, 250, 250), panel_alternate=(240, 240, 240),
    panel_text=(17, 17, 17), on_accent=(255, 255, 255),
    chart=((17, 17, 17), (115, 115, 115), (190, 190, 190), (64, 64, 64), (150, 150, 150), (220, 38, 38)),
    title_weight=600, body_weight=350,
)  # fmt: skip

THEMES: dict[str, Theme] = {theme.name: theme for theme in (DARK, LIGHT, BOLD, MINIMAL)}
DEFAULT_THEME = DARK.name


def with_accent(theme: Theme, accent: Colour) -> Theme:
    """`theme` with a brand's accent colour: rules, bullets, the table header and the first chart series."""
    red, green, blue = accent
    light = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 150
    others = tuple(colour for colour in theme.chart if colour != accent)
    return replace(
        theme,
        accent=accent,
        on_accent=(17, 17, 17) if light else (255, 255, 255),
        chart=(accent, *others[:5]),
    )
