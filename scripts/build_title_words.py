"""Build python/acme_gen/lake/data/title_words.csv: the nouns and adjectives titles are
made of, from pinned word lists.

    python3 scripts/build_title_words.py          # rewrites the file
    python3 scripts/build_title_words.py --check  # exits 1 if the file is not what they give

- wonderwords (3.0.1): English nouns and adjectives by part of speech, and a profanity list;
- wordfreq (3.1.1): how common each word is (Zipf frequency), to keep everyday words a title
  would use and drop rare ones ("abacus") and function words.
Nouns with abstract endings (-tion, -ment, -ity, ...) are dropped: titles favour concrete,
evocative nouns ("Mirror", "Autumn").
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from importlib import metadata, resources
from pathlib import Path

from wordfreq import zipf_frequency

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "python" / "acme_gen" / "lake" / "data" / "title_words.csv"
SOURCES = {"wonderwords": "3.0.1", "wordfreq": "3.1.1"}
ZIPF = {"noun": (4.2, 5.5), "adjective": (4.0, 5.6)}
ABSTRACT = re.compile(r"(tion|sion|ment|ance|ence|ity|ness|ship|ism|ing|ure|ise|ize|ics|ogy|al)$")


def build() -> str:
    for package, version in SOURCES.items():
        if metadata.version(package) != version:
            sys.exit(f"error: {package} {metadata.version(package)} installed; {version} pinned")
    assets = resources.files("wonderwords") / "assets"
    profane = set((assets / "profanitylist.txt").read_text(encoding="utf-8").split())
    out = io.StringIO()
    out.write("kind,word\n")
    for kind, name in (("noun", "nounlist.txt"), ("adjective", "adjectivelist.txt")):
        low, high = ZIPF[kind]
        words = sorted({w.strip() for w in (assets / name).read_text(encoding="utf-8").split("\n")})
        for word in words:
            if not (word.isalpha() and word.islower() and 4 <= len(word) <= 9) or word in profane:
                continue
            if kind == "noun" and ABSTRACT.search(word):
                continue
            if kind == "adjective" and word.endswith("ly"):  # adverbs in the adjective list
                continue
            if low <= zipf_frequency(word, "en") <= high:
                out.write(f"{kind},{word}\n")
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    text = build()
    if parser.parse_args().check:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} differs from the pinned word lists; run {sys.argv[0]}")
            return 1
        print(f"{TARGET} matches the pinned word lists")
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({text.count(chr(10)) - 1} words)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
