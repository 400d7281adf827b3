"""Title names that read like titles, unique within a catalogue.

Real catalogues name works after people and families ("Dexter", "The Sopranos"), places
("Fargo", "Chernobyl"), a single evocative noun ("Dark", "Mirror"), an adjective and a noun
("The Last Kingdom"), or a noun and a place ("Death in Paradise"). The names here follow
those patterns, from everyday words (data/title_words.csv, made by
scripts/build_title_words.py from pinned word lists), Faker's English names, and the
gazetteer's towns.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from importlib import resources

import numpy as np
from faker import Faker

from acme_gen.core import geo

TITLE_WORDS = resources.files("acme_gen.lake") / "data" / "title_words.csv"
_PLACE_COUNTRIES = ("US", "GB", "CA", "AU")
_PLACE_POPULATION = (20_000, 400_000)  # towns a title is named after, not the metros


def _words() -> dict[str, list[str]]:
    words: dict[str, list[str]] = {"noun": [], "adjective": []}
    with TITLE_WORDS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            words[row["kind"]].append(row["word"].title())
    return words


def _places() -> list[str]:
    low, high = _PLACE_POPULATION
    return sorted(
        {
            c.city
            for c in geo.CITIES
            if c.country in _PLACE_COUNTRIES and low <= c.weight <= high and c.city.isalpha()
        }
    )  # one-word towns: Fargo


def title_names(rng: np.random.Generator, n: int, seed: int) -> list[str]:
    """`n` distinct names, drawn by pattern (the same rng and seed give the same names)."""
    words, places = _words(), _places()
    fake = Faker("en_US")
    fake.seed_instance(seed)
    firsts = sorted({fake.first_name() for _ in range(600)})
    lasts = sorted({fake.last_name() for _ in range(600)})
    nouns, adjectives = words["noun"], words["adjective"]

    def pick(pool: list[str]) -> str:
        return pool[int(rng.integers(0, len(pool)))]

    patterns: tuple[tuple[float, Callable[[], str]], ...] = (
        (0.14, lambda: pick(nouns)),
        (0.12, lambda: f"The {pick(nouns)}"),
        (0.18, lambda: f"The {pick(adjectives)} {pick(nouns)}"),
        (0.08, lambda: f"{pick(adjectives)} {pick(nouns)}"),
        (0.10, lambda: pick(firsts)),
        (0.08, lambda: f"The {_plural(pick(lasts))}"),
        (0.10, lambda: pick(places)),
        (0.08, lambda: f"{pick(nouns)} in {pick(places)}"),
        (0.06, lambda: f"The {pick(nouns)} of {pick(places)}"),
        (0.06, lambda: f"{pick(firsts)} and {pick(firsts)}"),
    )
    cumulative = np.cumsum([w for w, _ in patterns])
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        make = patterns[int(np.searchsorted(cumulative, rng.random() * cumulative[-1]))][1]
        name = make()
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _plural(family: str) -> str:
    return family + ("es" if family.endswith(("s", "x", "z", "ch", "sh")) else "s")
