#!/usr/bin/python3
"""Draws the CaseDesk icon (a blue rounded square with the character 调) and writes every size
`tauri build` needs into src-tauri/icons. Needs Pillow (Debian: python3-pil) and a CJK font
(Debian: fonts-noto-cjk). Run: /usr/bin/python3 src-tauri/scripts/make-icons.py"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "icons"
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
BLUE = (22, 119, 255, 255)  # antd's primary blue
SIZE = 1024


def master() -> Image.Image:
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pad = 64
    d.rounded_rectangle((pad, pad, SIZE - pad, SIZE - pad), radius=200, fill=BLUE)
    font = ImageFont.truetype(FONT, 600, index=2)  # index 2: Simplified Chinese (SC)
    box = d.textbbox((0, 0), "调", font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    d.text(((SIZE - w) / 2 - box[0], (SIZE - h) / 2 - box[1]), "调", font=font, fill="white")
    return img


def main() -> None:
    OUT.mkdir(exist_ok=True)
    img = master()
    for name, px in [("32x32.png", 32), ("64x64.png", 64), ("128x128.png", 128),
                     ("128x128@2x.png", 256), ("icon.png", 512)]:
        img.resize((px, px), Image.LANCZOS).save(OUT / name)
    img.save(OUT / "icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (256, 256)])
    img.save(OUT / "icon.icns")


if __name__ == "__main__":
    main()
