"""Rebuild the two printed PDFs of bench/documents from their HTML sources.

Draws the pictures the pages show (a schematic of the PDF.js viewer for the encyclopedia article, the
scatter plot of Fig. 1 of the research paper) with Pillow, then prints each HTML page to PDF with Debian's
headless Chromium, the way a reader prints from the browser. The page furniture (date, title, address,
page numbers, running headers) comes from each page's own `@page` rules, so Chromium's own header and
footer are switched off.

Run from anywhere: `.venv/bin/python bench/documents/make_pdfs.py` (needs `apt-get install chromium
fonts-dejavu`).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PAGES = ("encyclopedia-pdfjs", "research-street-trees")

# Fictional data for Fig. 1: (name, colour, intercept at 0 % canopy, slope below and above the
# breakpoint in °C per percentage point, breakpoint %, canopy range).
CITIES = (
    ("Aldmere", (76, 114, 176), 1.9, -0.14, -0.04, 37.0, 60.0),
    ("Castrevo", (221, 132, 82), 1.6, -0.09, -0.03, 38.0, 45.0),
    ("Brenholm", (85, 168, 104), 2.6, -0.19, -0.05, 39.0, 62.0),
)


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def draw_viewer_schematic(path: Path) -> None:
    """A flat drawing of the PDF.js viewer: toolbar, thumbnail sidebar, one page of 'text'."""
    image = Image.new("RGB", (860, 620), (249, 249, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 859, 56), fill=(56, 56, 61))
    for x in (18, 62, 106):
        draw.rounded_rectangle((x, 14, x + 32, 42), radius=5, fill=(90, 90, 96))
    draw.rounded_rectangle((160, 14, 250, 42), radius=5, fill=(240, 240, 244))
    draw.text((172, 18), "3 / 14", font=font(17), fill=(30, 30, 30))
    draw.rounded_rectangle((330, 14, 470, 42), radius=5, fill=(240, 240, 244))
    draw.text((344, 18), "Page Fit  ▾", font=font(17), fill=(30, 30, 30))
    for x in (700, 744, 788):
        draw.rounded_rectangle((x, 14, x + 32, 42), radius=5, fill=(90, 90, 96))
    draw.rectangle((0, 57, 170, 619), fill=(226, 226, 230))
    for i in range(4):
        top = 78 + i * 132
        outline = (0, 96, 223) if i == 2 else (160, 160, 168)
        draw.rectangle((45, top, 125, top + 104), fill=(255, 255, 255), outline=outline, width=3)
        for line in range(6):
            draw.line((55, top + 16 + line * 13, 115, top + 16 + line * 13), fill=(200, 200, 205), width=3)
    draw.rectangle((250, 80, 780, 619), fill=(255, 255, 255), outline=(200, 200, 205))
    draw.text((290, 112), "Portable Document Format", font=font(26, bold=True), fill=(20, 20, 20))
    rng = random.Random(3)
    y = 170
    while y < 600:
        if y in (330, 470):
            y += 26
            continue
        width = 440 if rng.random() > 0.15 else rng.randint(180, 380)
        draw.line((290, y, 290 + width, y), fill=(120, 120, 128), width=6)
        y += 22
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


def lst_anomaly(intercept: float, below: float, above: float, breakpoint: float, canopy: float) -> float:
    if canopy <= breakpoint:
        return intercept + below * canopy
    return intercept + below * breakpoint + above * (canopy - breakpoint)


def draw_scatter(path: Path) -> None:
    """Fig. 1: canopy cover against LST anomaly, 200 fictional cells per city plus fitted lines."""
    width, height = 1200, 760
    left, right, top, bottom = 120, 1150, 40, 650
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)

    def to_px(canopy: float, anomaly: float) -> tuple[float, float]:
        x = left + (right - left) * canopy / 70.0
        y = bottom - (bottom - top) * (anomaly + 6.0) / 10.0
        return x, y

    draw.line((left, top, left, bottom), fill="black", width=2)
    draw.line((left, bottom, right, bottom), fill="black", width=2)
    for percent in range(0, 71, 10):
        x, _ = to_px(percent, -6)
        draw.line((x, bottom, x, bottom + 10), fill="black", width=2)
        draw.text((x, bottom + 14), str(percent), font=font(24), fill="black", anchor="mt")
    for degrees in range(-6, 5, 2):
        _, y = to_px(0, degrees)
        draw.line((left - 10, y, left, y), fill="black", width=2)
        draw.text(
            (left - 16, y), f"{degrees:+d}" if degrees else "0", font=font(24), fill="black", anchor="rm"
        )
    draw.text(((left + right) / 2, bottom + 52), "Canopy cover (%)", font=font(26), fill="black", anchor="mt")
    label = Image.new("RGBA", (420, 40), (255, 255, 255, 0))
    ImageDraw.Draw(label).text((210, 20), "LST anomaly (°C)", font=font(26), fill="black", anchor="mm")
    image.paste(label.rotate(90, expand=True), (20, (top + bottom) // 2 - 210), label.rotate(90, expand=True))

    rng = random.Random(2026)
    for _name, colour, intercept, below, above, breakpoint, max_canopy in CITIES:
        for _ in range(200):
            canopy = min(max_canopy, max(0.0, rng.gammavariate(2.2, 9.5)))
            anomaly = lst_anomaly(intercept, below, above, breakpoint, canopy) + rng.gauss(0, 0.9)
            x, y = to_px(canopy, anomaly)
            draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=colour)
    for _name, colour, intercept, below, above, breakpoint, max_canopy in CITIES:
        points = [
            to_px(c, lst_anomaly(intercept, below, above, breakpoint, c)) for c in (0, breakpoint, max_canopy)
        ]
        draw.line(points, fill=tuple(max(0, v - 50) for v in colour), width=5)
    for row, (name, colour, *_rest) in enumerate(CITIES):
        y = top + 20 + row * 36
        draw.ellipse((right - 230, y - 8, right - 214, y + 8), fill=colour)
        draw.text((right - 200, y), name, font=font(24), fill="black", anchor="lm")
    image.save(path, optimize=True)


def print_to_pdf(chromium: str, html: Path, pdf: Path) -> None:
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium is not installed: apt-get install -y chromium fonts-dejavu", file=sys.stderr)
        return 1
    draw_viewer_schematic(HERE / "encyclopedia-pdfjs-viewer.png")
    draw_scatter(HERE / "research-fig1-scatter.png")
    for name in PAGES:
        print_to_pdf(chromium, HERE / f"{name}.html", HERE / f"{name}.pdf")
        print(f"{name}.pdf: {(HERE / f'{name}.pdf').stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
