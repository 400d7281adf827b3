"""The catalogue: films, documentaries, and shows made of seasons of episodes. A title row is
what a play names (`title_id`): a film, a documentary, or one episode of a show.

- Works (a film, a documentary, a show) are popular by a Zipf law over a shuffled rank (VoD
  catalogues are Zipf-like with s just under 1). Types follow the ranks by a golden-ratio
  sequence, so that every run of ranks (the hits that carry a Zipf catalogue's viewing) holds
  the type mix, and no catalogue is all-film at the top by chance.
- A show's audience thins episode by episode (viewers drop out of a season as it goes on),
  so its first episode is its most watched; a show draws more viewing than a film of the
  same rank, since its audience comes back for episode after episode. Episodic content is
  67% of global streaming playtime (NPAW, Video Streaming Industry Report 2023) and about
  70% of Netflix's hours (Sarandos, 2014).
- A title row's popularity rank orders the rows by their share of plays.
- A work's genre sets its length: a feature's runtime by genre (horror and animation the
  shortest, action and drama the longest; released films averaged 106 minutes in 1999-2018,
  Stephen Follows, "Are movies getting longer?", 2019), and a show's episode length by its
  genre's format (the half-hour comedy of 22-30 minutes, the hour drama of 45-60, children's
  shows of 11-24).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from acme_gen.core.arrays import F64, I8, I32
from acme_gen.models import TITLE_TYPES

# Works by type (movie, series, documentary): most works in a catalogue are films, most
# viewing is of shows (see above).
WORK_TYPE_WEIGHTS = (0.55, 0.35, 0.10)
SHOW_APPEAL = 6.0  # a show's plays relative to a film's of the same rank
EPISODE_RETENTION = 0.94  # each episode keeps this share of the previous one's audience
SEASONS = (1, 2, 3, 4)
SEASON_WEIGHTS = (0.40, 0.30, 0.20, 0.10)
EPISODES_PER_SEASON = (6, 8, 10, 13)
# Where the end credits begin, as a share of the runtime, by title type (uniform within):
# a film's credits run several minutes, an episode's about one.
CREDITS_SHARE = {"movie": (0.90, 0.95), "series": (0.94, 0.97), "documentary": (0.92, 0.96)}
ZIPF_EXPONENT = 0.9
NO_SHOW = -1

GENRES = {
    "movie": ("Drama", "Comedy", "Action", "Thriller", "Sci-Fi", "Horror", "Romance", "Animation"),
    "series": ("Drama", "Comedy", "Crime", "Reality", "Sci-Fi", "Kids", "Fantasy"),
    "documentary": ("Nature", "History", "True Crime", "Science", "Sports", "Music"),
}
# A feature's runtime by genre, minutes: (mean, standard deviation), clipped to FEATURE_RANGE.
# Equal genre weights give a mean film of about 107 minutes (Follows: 106 for released films).
FEATURE_MINUTES = {
    "movie": {"Drama": (116, 20), "Comedy": (102, 13), "Action": (118, 17),
              "Thriller": (108, 14), "Sci-Fi": (116, 19), "Horror": (95, 11),
              "Romance": (107, 14), "Animation": (93, 9)},
    "documentary": {"Nature": (84, 14), "History": (92, 18), "True Crime": (98, 20),
                    "Science": (86, 15), "Sports": (100, 20), "Music": (102, 20)},
}  # fmt: skip
FEATURE_RANGE = {"movie": (75, 200), "documentary": (40, 160)}
# A show's episode length by genre, minutes: its format's slot lengths (one per show, drawn
# uniformly), each episode within about two minutes of it.
EPISODE_MINUTES = {
    "Drama": (45.0, 52.0, 60.0), "Comedy": (22.0, 26.0, 30.0), "Crime": (45.0, 50.0, 60.0),
    "Reality": (40.0, 44.0, 50.0), "Sci-Fi": (45.0, 52.0, 60.0), "Kids": (11.0, 22.0, 24.0),
    "Fantasy": (50.0, 55.0, 62.0),
}  # fmt: skip
EPISODE_JITTER_MINUTES = 2.0

_GOLDEN_RATIO = (5**0.5 - 1) / 2
_SERIES = TITLE_TYPES.index("series")


@dataclass(frozen=True)
class Catalogue:
    type: I8  # per title row: index into TITLE_TYPES
    genre: I8  # index into GENRES[its type]
    runtime: I32  # seconds
    credits: I32  # the second the end credits begin
    rank: I32  # popularity rank of the row, 1 = most played
    cumulative: F64  # cumulative popularity, for inverse-CDF sampling
    show: I32  # the show an episode belongs to (0, 1, ...), NO_SHOW for films and documentaries
    season: I32  # 1-based for episodes, 0 otherwise
    episode: I32  # 1-based within the season for episodes, 0 otherwise
    next_episode: I32  # the row auto-play goes on to, -1 after a show's last episode


def build_catalogue(rng: np.random.Generator, n_titles: int) -> Catalogue:
    """`n_titles` title rows: works by popularity rank, laid out in a shuffled order, a show's
    episodes in consecutive rows, season by season (a tiny catalogue has short shows)."""
    longest_show = max(1, n_titles // 8)
    rank = np.arange(1, n_titles + 1)  # at most one work per row
    spread = (rng.random() + rank * _GOLDEN_RATIO) % 1.0
    bounds = np.cumsum(WORK_TYPE_WEIGHTS) / sum(WORK_TYPE_WEIGHTS)
    work_type = np.minimum(np.searchsorted(bounds, spread), 2)
    seasons = rng.choice(SEASONS, n_titles, p=SEASON_WEIGHTS)
    per_season = rng.choice(EPISODES_PER_SEASON, n_titles)
    size = np.where(work_type == _SERIES, np.minimum(seasons * per_season, longest_show), 1)
    n_works = int(np.searchsorted(np.cumsum(size), n_titles)) + 1
    work_type, per_season, size = work_type[:n_works], per_season[:n_works], size[:n_works]
    size[-1] -= int(size.sum()) - n_titles  # the last work ends with the catalogue
    appeal = np.where(work_type == _SERIES, SHOW_APPEAL, 1.0)
    work_share = appeal / rank[:n_works].astype(np.float64) ** ZIPF_EXPONENT
    show_of_work = np.where(work_type == _SERIES, np.cumsum(work_type == _SERIES) - 1, NO_SHOW)

    # Rows: the works in a shuffled order (ids do not give popularity away).
    order = rng.permutation(n_works)
    work = np.repeat(order, size[order])
    first = np.cumsum(size[order]) - size[order]
    index_in_work = np.arange(n_titles) - np.repeat(first, size[order])
    kind = work_type[work].astype(np.int8)
    series = kind == _SERIES
    retention = EPISODE_RETENTION ** index_in_work.astype(np.float64)
    popularity = work_share[work] * retention / np.bincount(work, retention, n_works)[work]
    row_rank = np.empty(n_titles, np.int32)
    row_rank[np.lexsort((np.arange(n_titles), -popularity))] = np.arange(1, n_titles + 1)
    season = np.where(series, 1 + index_in_work // per_season[work], 0).astype(np.int32)
    episode = np.where(series, 1 + index_in_work % per_season[work], 0).astype(np.int32)
    last = index_in_work == size[work] - 1
    next_episode = np.where(series & ~last, np.arange(n_titles) + 1, -1).astype(np.int32)

    genre = _genres(rng, work_type)[work]
    minutes = _minutes(rng, kind, genre, work)
    runtime = np.round(minutes * 60).astype(np.int32)
    lo, hi = (np.array([CREDITS_SHARE[t][k] for t in TITLE_TYPES])[kind] for k in (0, 1))
    credits = np.round(runtime * (lo + (hi - lo) * rng.random(n_titles))).astype(np.int32)
    return Catalogue(
        type=kind,
        genre=genre,
        runtime=runtime,
        credits=credits,
        rank=row_rank,
        cumulative=np.cumsum(popularity) / popularity.sum(),
        show=show_of_work[work].astype(np.int32),
        season=season,
        episode=episode,
        next_episode=next_episode,
    )


def _genres(rng: np.random.Generator, work_type: npt.NDArray[np.integer]) -> I8:
    """Each work's genre, uniform over its type's genres."""
    sizes = np.array([len(GENRES[t]) for t in TITLE_TYPES])[work_type]
    genre: I8 = (rng.random(len(work_type)) * sizes).astype(np.int8)
    return genre


def _minutes(rng: np.random.Generator, kind: I8, genre: I8, work: npt.NDArray[np.integer]) -> F64:
    """Each row's runtime in minutes, by its type and genre."""
    n = len(kind)
    table = np.zeros((len(TITLE_TYPES), max(len(g) for g in GENRES.values()), 3))
    for t, name in enumerate(TITLE_TYPES):
        for g, genre_name in enumerate(GENRES[name]):
            if name in FEATURE_MINUTES:
                table[t, g, :2] = FEATURE_MINUTES[name][genre_name]
            else:
                table[t, g] = EPISODE_MINUTES[genre_name]
    mean, sd = table[kind, genre, 0], table[kind, genre, 1]
    low = np.array([FEATURE_RANGE.get(t, (0, 0))[0] for t in TITLE_TYPES], np.float64)[kind]
    high = np.array([FEATURE_RANGE.get(t, (0, 0))[1] for t in TITLE_TYPES], np.float64)[kind]
    feature = np.clip(mean + sd * rng.standard_normal(n), low, high)
    slot = table[kind, genre][
        np.arange(n), rng.integers(0, 3, int(work.max()) + 1)[work]
    ]  # per show
    episode = slot + EPISODE_JITTER_MINUTES * np.clip(rng.standard_normal(n), -1.5, 1.5)
    minutes: F64 = np.where(kind == _SERIES, episode, feature)
    return minutes
