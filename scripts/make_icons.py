"""Draw the app icon (a phone with a barcode) and write resources/icon.{png,ico,icns}."""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "resources"


def draw(size: int = 512) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 512
    d.rounded_rectangle((40 * s, 40 * s, 472 * s, 472 * s), radius=96 * s, fill=(22, 101, 52, 255))
    d.rounded_rectangle((156 * s, 84 * s, 356 * s, 428 * s), radius=28 * s, fill=(255, 255, 255, 255))
    d.rounded_rectangle((172 * s, 116 * s, 340 * s, 380 * s), radius=8 * s, fill=(229, 231, 235, 255))
    bars = [3, 1, 2, 1, 1, 3, 2, 1, 1, 2, 3, 1, 2]
    x = 188 * s
    for i, w in enumerate(bars):
        if i % 2 == 0:
            d.rectangle((x, 180 * s, x + w * 5 * s, 310 * s), fill=(17, 24, 39, 255))
        x += w * 5 * s
    d.ellipse((240 * s, 392 * s, 272 * s, 424 * s), fill=(22, 101, 52, 255))
    return img


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    icon = draw()
    icon.save(OUT / "icon.png")
    icon.save(OUT / "icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    icon.save(OUT / "icon.icns")
    print("icons written to", OUT)
