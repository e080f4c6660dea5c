"""Rebuild the gallery images of examples/README.md from the examples themselves.

Runs every ``examples/NN_*.py`` offline in a fresh temporary folder (as CI does), takes the
figure it wrote (``NN_name.png``, else the first new PNG), and saves a small copy here as
``docs/gallery/NN_name.png``: 800 px wide, quantised to 256 colours, at most 200 KB.
Prints each script's run time.

Usage: ``python docs/gallery/make_gallery.py [NN ...]`` (numbers to rebuild only some).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WIDTH_PX = 800
LIMIT_BYTES = 200 * 1024


def shrink(src: Path, dst: Path) -> int:
    with Image.open(src) as im:
        im = im.convert("RGB")
        width = WIDTH_PX
        while True:
            height = round(im.height * width / im.width)
            small = im.resize((width, height), Image.LANCZOS)
            small = small.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=0)
            small.save(dst, optimize=True)
            size = dst.stat().st_size
            if size <= LIMIT_BYTES or width <= 320:
                return size
            width = int(width * 0.85)


def main(only: list[str]) -> int:
    scripts = sorted((REPO / "examples").glob("[0-9][0-9]_*.py"))
    if only:
        scripts = [s for s in scripts if s.name[:2] in only]
    env = dict(os.environ, ORBITKIT_OFFLINE="1", MPLBACKEND="Agg")
    failed = 0
    for script in scripts:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.monotonic()
            proc = subprocess.run([sys.executable, str(script)], cwd=tmp, env=env,
                                  capture_output=True, text=True)
            elapsed = time.monotonic() - start
            if proc.returncode != 0:
                print(f"{script.name}: FAILED ({proc.returncode})\n{proc.stderr}")
                failed += 1
                continue
            pngs = sorted(Path(tmp).glob("*.png"))
            main_png = Path(tmp) / f"{script.stem}.png"
            src = main_png if main_png.exists() else pngs[0]
            dst = HERE / f"{script.stem}.png"
            size = shrink(src, dst)
            print(f"{script.name}: {elapsed:5.1f} s -> {dst.relative_to(REPO)} ({size // 1024} KB)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
