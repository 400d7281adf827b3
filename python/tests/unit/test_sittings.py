"""Sittings (acme_gen.core.sittings) and the catalogue of shows they play through
(acme_gen.core.catalogue): auto-play to the next episode, returns to where a play stopped,
retries, and the shows, seasons and episodes behind them."""

from __future__ import annotations

import numpy as np
import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core.catalogue import EPISODE_RETENTION, NO_SHOW, build_catalogue
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.sessions import MAX_SESSION_MS, PLAYED, SessionPlan, final_position
from acme_gen.core.sittings import (
    AUTOPLAY_SHARE,
    RESUME_BACK_S,
    RETRY_SHARE,
    RETURN_SHARE,
    NextParts,
    next_parts,
)
from acme_gen.core.traffic import SLOT_MS
from acme_gen.core.world import build_world
from acme_gen.lake.dimensions import titles_table
from acme_gen.models import TITLE_TYPES

from ..conftest import T0

N = 20_000
TV = 2  # DEVICE_TYPES index


def _next(part: int = 0, **overrides: np.ndarray) -> tuple[dict[str, np.ndarray], NextParts]:
    rows = {
        "dtype": np.full(N, TV), "played": np.ones(N, bool), "failed": np.zeros(N, bool),
        "complete": np.ones(N, bool), "title": np.full(N, 7, np.int32),
        "next_episode": np.full(N, 8, np.int32), "final_position": np.full(N, 2500, np.int32),
        "watch_total": np.full(N, 2400, np.int32), "credits_s": np.full(N, 2500, np.int32),
        "end_ms": np.full(N, 10_000_000, np.int64),
    }  # fmt: skip
    rows.update(overrides)
    return rows, next_parts(np.random.default_rng(1), part, **rows)  # type: ignore[arg-type]


def test_a_completed_episode_auto_plays_the_next_after_a_countdown() -> None:
    _, nxt = _next()
    share = len(nxt.after) / N
    assert abs(share - AUTOPLAY_SHARE[TV]) < 0.02
    assert (nxt.title == 8).all() and (nxt.start_position == 0).all()
    gap_s = (nxt.start_ms - 10_000_000) / 1000
    assert gap_s.min() > 1 and np.median(gap_s) < 10 and np.quantile(gap_s, 0.99) < 60


def test_the_player_asks_after_three_episodes_and_half_go_on() -> None:
    _, third = _next(part=2)  # after the third episode in a row
    share = len(third.after) / N
    assert abs(share - AUTOPLAY_SHARE[TV] * 0.5) < 0.02


def test_a_show_s_last_episode_plays_nothing_next() -> None:
    _, nxt = _next(next_episode=np.full(N, -1, np.int32))
    assert len(nxt.after) == 0


def test_a_stopped_play_is_taken_up_again_where_it_stopped() -> None:
    _, nxt = _next(complete=np.zeros(N, bool), final_position=np.full(N, 1800, np.int32))
    assert abs(len(nxt.after) / N - RETURN_SHARE) < 0.02
    back = 1800 - nxt.start_position
    assert back.min() >= 0 and back.max() <= RESUME_BACK_S
    assert (nxt.title == 7).all()
    gap_min = (nxt.start_ms - 10_000_000) / 60_000
    assert 20 < np.median(gap_min) < 60  # a break, then back to it


def test_a_zap_is_not_returned_to_and_a_failed_start_is_retried() -> None:
    _, zap = _next(complete=np.zeros(N, bool), watch_total=np.full(N, 30, np.int32),
                   final_position=np.full(N, 30, np.int32))  # fmt: skip
    assert len(zap.after) == 0
    failed = {"played": np.zeros(N, bool), "failed": np.ones(N, bool)}
    _, retry = _next(**failed, complete=np.zeros(N, bool), final_position=np.full(N, 600, np.int32))
    assert abs(len(retry.after) / N - RETRY_SHARE) < 0.02
    assert (retry.start_position == 600).all()


@pytest.fixture(scope="module")
def day() -> tuple[TelemetryGenerator, SessionPlan]:
    gen = TelemetryGenerator(GeneratorConfig(customers=12_000, events_per_day=150_000))
    slots = list(range(T0 // SLOT_MS, (T0 + 86_400_000) // SLOT_MS))
    return gen, SessionPlan.concat(list(gen.playable_slots(slots).values()))


def test_a_sitting_s_parts_follow_one_another_on_one_device(
    day: tuple[TelemetryGenerator, SessionPlan],
) -> None:
    gen, plan = day
    assert (plan.part > 0).mean() > 0.15  # sittings go on
    order = np.lexsort((plan.part, plan.sitting))
    p = plan.take(order)
    same = (p.sitting[1:] == p.sitting[:-1]) & (p.part[1:] == p.part[:-1] + 1)
    assert same.sum() == (plan.part > 0).sum()  # every later part follows the one before
    assert (p.device[1:][same] == p.device[:-1][same]).all()
    assert (p.start_ms[1:][same] > p.end_ms[:-1][same]).all()
    assert (plan.end_ms - plan.sitting_start_ms).max() <= MAX_SESSION_MS
    # Auto-play goes on to the next episode of the show, from its start.
    binge = same & (p.title[1:] != p.title[:-1])
    nxt = gen.world.title_next[p.title[:-1][binge]]
    assert binge.sum() > 100 and (nxt == p.title[1:][binge]).all()
    assert (p.start_position[1:][binge] == 0).all()
    # A return to the same title resumes just before where the last part stopped.
    back = same & (p.title[1:] == p.title[:-1]) & (p.outcome[:-1] == PLAYED)
    stop = final_position(p.take(np.flatnonzero(np.r_[back, False])))
    resumed = p.start_position[1:][back]
    assert back.sum() > 100 and ((stop - resumed) >= 0).all() and ((stop - resumed) <= 10).all()


@pytest.mark.parametrize("n", [1, 2, 5, 10, 90, 500, 5000])
def test_the_catalogue_has_exactly_the_titles_asked_for(n: int) -> None:
    c = build_catalogue(np.random.default_rng(3), n)
    assert len(c.type) == n and sorted(c.rank.tolist()) == list(range(1, n + 1))
    popularity = np.diff(np.r_[0.0, c.cumulative])
    assert (np.diff(popularity[np.argsort(c.rank)]) <= 1e-15).all()  # rank orders plays


def test_shows_are_seasons_of_episodes_in_order() -> None:
    c = build_catalogue(np.random.default_rng(3), 500)
    series = c.type == TITLE_TYPES.index("series")
    assert ((c.show == NO_SHOW) == ~series).all()
    assert set(np.bincount(c.type, minlength=3).nonzero()[0]) == {0, 1, 2}
    popularity = np.diff(np.r_[0.0, c.cumulative])
    assert popularity[series].sum() > 0.5  # shows carry most plays
    for show in np.unique(c.show[series]):
        rows = np.flatnonzero(c.show == show)
        assert np.array_equal(rows, np.arange(rows[0], rows[-1] + 1))  # consecutive rows
        assert c.season[rows[0]] == 1 and c.episode[rows[0]] == 1
        assert (np.diff(c.season[rows]) >= 0).all()
        assert c.next_episode[rows[-1]] == -1 and (c.next_episode[rows[:-1]] == rows[1:]).all()
        # The audience thins episode by episode: the first is the most watched.
        ratio = popularity[rows[1:]] / popularity[rows[:-1]]
        assert np.allclose(ratio, EPISODE_RETENTION)
    assert (c.next_episode[~series] == -1).all()


def test_the_titles_table_names_shows_seasons_and_episodes() -> None:
    world = build_world(GeneratorConfig(customers=1000))
    t = titles_table(world).to_pydict()
    episode = np.array(t["title_type"]) == "series"
    assert all((s is None) == (not e) for s, e in zip(t["series_id"], episode, strict=True))
    assert all((s is None) == (not e) for s, e in zip(t["season_number"], episode, strict=True))
    first = int(np.flatnonzero(episode)[0])
    show = t["series_id"][first]
    rows = [i for i, s in enumerate(t["series_id"]) if s == show]
    names = {t["title_name"][i].rsplit(" S", 1)[0] for i in rows}
    assert len(names) == 1 and len({t["genre"][i] for i in rows}) == 1
    assert t["title_name"][rows[0]].endswith(" S1 E1")
