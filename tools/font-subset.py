#!/usr/bin/env python3
"""Makes the CJK font the PDF letters embed: a subset of Noto Sans CJK SC (SIL Open Font
Licence 1.1, Debian's fonts-noto-cjk) to the characters of GB 2312 (6,763 hanzi and its
symbols), ASCII, Latin-1 punctuation and the CJK and full-width punctuation, renamed "Kejing
CJK Sans" as the licence asks of a modified version. Run once by a developer; the output is
committed with the licence (crates/letter/fonts/). Needs: pip install fonttools; apt-get
install fonts-noto-cjk.

    python3 tools/font-subset.py
"""
import pathlib
from fontTools import subset
from fontTools.ttLib import TTCollection

SRC = pathlib.Path("/usr/share/fonts/opentype/noto")
OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/letter/fonts"
SC_FACE = 2  # Simplified Chinese in the .ttc collections (JP, KR, SC, TC, HK)


def codepoints():
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    cps |= set(range(0x2010, 0x2040)) | set(range(0x2100, 0x2200)) | set(range(0x2200, 0x2300))
    cps |= set(range(0x2460, 0x24A0)) | set(range(0x2500, 0x2600)) | set(range(0x3000, 0x3040))
    cps |= set(range(0xFF00, 0xFFF0))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                cps.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return cps


def main():
    cps = codepoints()
    OUT.mkdir(parents=True, exist_ok=True)
    for weight in ("Regular", "Bold"):
        font = TTCollection(SRC / f"NotoSansCJK-{weight}.ttc").fonts[SC_FACE]
        opts = subset.Options()
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.hinting = False
        opts.desubroutinize = False
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=cps)
        sub.subset(font)
        name = font["name"]
        family = "Kejing CJK Sans"
        for rec in list(name.names):
            if rec.nameID in (1, 16):
                rec.string = family
            elif rec.nameID == 4:
                rec.string = f"{family} {weight}"
            elif rec.nameID == 6:
                rec.string = f"KejingCJKSans-{weight}"
            elif rec.nameID == 3:
                rec.string = f"KejingCJKSans-{weight}; subset of Noto Sans CJK SC"
        out = OUT / f"KejingCJKSans-{weight}.otf"
        font.save(out)
        print(out, out.stat().st_size, "bytes,", len(cps), "code points asked")


if __name__ == "__main__":
    main()
