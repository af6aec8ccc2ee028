"""How well the workbench reads saved news pages: each page of a folder of saved pages
with hand-checked article text beside it (`NAME.html` and `NAME.txt`) is read the way an
upload is (ingest.parse_file, bytes in), and its text scored against the reference by
token overlap: precision, recall and F1 of the bag of lower-cased word tokens (CJK and
Thai characters one token each), averaged over pages. A refused page scores 0.

    .venv/bin/python bench/article_extraction.py PAGES_DIR

The figures in docs/formats.md come from the 23 pages with reference texts that
newspaper4k 0.9.6's source distribution ships (tests/data/html and tests/data/txt):

    pip download --no-deps --no-binary :all: newspaper4k==0.9.6 && tar xzf newspaper4k-0.9.6.tar.gz
    mkdir pages && cd newspaper4k-0.9.6/tests/data && for f in txt/*.txt; do b=$(basename $f .txt); \\
        [ -f html/$b.html ] && cp html/$b.html $f ../../../pages/; done
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]|\w+")


def tokens(text: str) -> collections.Counter:
    return collections.Counter(TOKEN.findall(text.lower()))


def score(predicted: str, reference: str) -> tuple[float, float, float]:
    got, want = tokens(predicted), tokens(reference)
    hits = sum((got & want).values())
    precision = hits / sum(got.values()) if got else 0.0
    recall = hits / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=Path)
    args = parser.parse_args()

    import django

    django.setup()
    from annotations.errors import InvalidInput
    from annotations.ingest import parse_file

    rows, refused = [], []
    for page in sorted(args.pages.glob("*.html")):
        reference = page.with_suffix(".txt").read_text(encoding="utf-8")
        try:
            [document] = parse_file(page.name, page.read_bytes())
            text = document.text
        except InvalidInput as exc:
            refused.append(f"{page.name}: {exc}")
            text = ""
        rows.append(score(text, reference))
    n = len(rows)
    precision, recall, f1 = (sum(row[i] for row in rows) / n for i in range(3))
    print(f"{n} pages: precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}")
    print(f"refused: {len(refused)}")
    for line in refused:
        print("  " + line)


if __name__ == "__main__":
    main()
