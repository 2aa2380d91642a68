"""Draws the web-app icons (frontend/static/icons/*.png) with Pillow: a grid mesh with a location pin.

Run ``.venv/bin/python frontend/make_icons.py`` after changing the drawing; the PNGs are committed.
Maskable icons keep the drawing inside the central 80 % safe zone (W3C Web App Manifest).
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent / "static" / "icons"
BLUE, WHITE, RED = (11, 79, 138), (255, 255, 255), (196, 30, 36)


def draw(size: int, *, maskable: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), BLUE)
    pen = ImageDraw.Draw(image)
    margin = size * (0.2 if maskable else 0.12)
    inner = size - 2 * margin
    step = inner / 3
    width = max(2, size // 48)
    for i in range(4):  # a 3×3 grid mesh
        offset = margin + i * step
        pen.line([(margin, offset), (size - margin, offset)], fill=WHITE, width=width)
        pen.line([(offset, margin), (offset, size - margin)], fill=WHITE, width=width)
    # A pin in the middle cell: a disc over a triangle pointing down.
    cx, cy, r = size / 2, size / 2 - step * 0.15, step * 0.32
    pen.polygon([(cx - r * 0.8, cy + r * 0.4), (cx + r * 0.8, cy + r * 0.4), (cx, cy + r * 1.9)], fill=RED)
    pen.ellipse([cx - r, cy - r, cx + r, cy + r], fill=RED)
    pen.ellipse([cx - r * 0.4, cy - r * 0.4, cx + r * 0.4, cy + r * 0.4], fill=WHITE)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True).save(OUT / f"icon-maskable-{size}.png", optimize=True)
    draw(180, maskable=False).save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
