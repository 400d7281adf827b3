"""Dimension tables (customers, titles, campaigns) from the same world as the events.

Descriptive columns (names, emails, dates, genres) are drawn here, once per dataset; Faker
supplies names by locale, acme_gen.lake.title_names the titles, and mimesis the words of
campaign names, as vocabularies sampled by index rather than called per row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker
from mimesis import Text
from mimesis.locales import Locale

from acme_gen.core import geo, rand
from acme_gen.core.catalogue import GENRES
from acme_gen.core.world import CONNECTION_TYPES, World
from acme_gen.lake.arrow import table_from_columns
from acme_gen.lake.title_names import title_names
from acme_gen.models import PLAN_STREAMS, PLANS, TITLE_TYPES, Campaign, Customer, Title
from acme_gen.schema import arrow_schema

_NAME_POOL = 400
_EPOCH = date(1970, 1, 1)
# Customers and campaigns predate any history a user is likely to generate.
CAMPAIGN_FIRST_DAY = date(2016, 1, 1)
CAMPAIGN_LAST_DAY = date(2025, 9, 30)
ORGANIC_SIGNUP_FIRST_DAY = date(2015, 1, 1)
ORGANIC_SIGNUP_LAST_DAY = date(2025, 12, 31)
ACQUIRED_BY_CAMPAIGN = 0.55
LAST_RELEASE_YEAR = 2025

CHANNELS = ("paid_search", "paid_social", "display", "email", "connected_tv", "affiliate",
            "referral")  # fmt: skip
OBJECTIVES = ("acquisition", "reactivation", "retention", "upsell")
# Ratings a title of each type and genre can carry (MPA for films, the TV Parental
# Guidelines for series and documentaries): Kids shows are for children, horror never is.
RATINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "movie": {"Drama": ("PG", "PG-13", "R"), "Comedy": ("PG", "PG-13", "R"),
              "Action": ("PG-13", "R"), "Thriller": ("PG-13", "R"), "Sci-Fi": ("PG", "PG-13", "R"),
              "Horror": ("PG-13", "R"), "Romance": ("PG", "PG-13", "R"),
              "Animation": ("G", "PG")},
    "series": {"Drama": ("TV-14", "TV-MA"), "Comedy": ("TV-PG", "TV-14", "TV-MA"),
               "Crime": ("TV-14", "TV-MA"), "Reality": ("TV-PG", "TV-14"),
               "Sci-Fi": ("TV-PG", "TV-14", "TV-MA"), "Kids": ("TV-Y", "TV-Y7", "TV-G"),
               "Fantasy": ("TV-PG", "TV-14", "TV-MA")},
    "documentary": {"Nature": ("TV-G", "TV-PG"), "History": ("TV-PG", "TV-14"),
                    "True Crime": ("TV-14", "TV-MA"), "Science": ("TV-G", "TV-PG"),
                    "Sports": ("TV-G", "TV-PG"), "Music": ("TV-PG", "TV-14")},
}  # fmt: skip
EMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me")


def _ascii(text: str) -> str:
    """Lower-case ASCII for an e-mail address (accents dropped, nothing but [a-z0-9._-])."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9._-]", "", plain)


def _words(seed: int, quantity: int) -> list[str]:
    """Real words only: mimesis' word list also holds abbreviations ('nj', 'da')."""
    return [w for w in Text(Locale.EN, seed=seed).words(quantity=quantity)
            if w.isalpha() and len(w) >= 4]  # fmt: skip


def _days(d: date) -> int:
    return (d - _EPOCH).days


def _dates(days: npt.NDArray[np.int64]) -> list[date]:
    return [_EPOCH + timedelta(days=d) for d in days.tolist()]


def _rng(world: World, stream: int) -> np.random.Generator:
    c = world.config
    return np.random.default_rng([c.seed, 0xD1E, stream, c.customers, c.titles, c.campaigns])


def campaigns_table(world: World) -> pa.Table:
    rng = _rng(world, 1)
    n = world.config.campaigns
    words = _words(world.config.seed, 300)
    channel = rng.integers(0, len(CHANNELS), n)
    countries = list(geo.COUNTRY_WEIGHTS)
    weights = np.array(list(geo.COUNTRY_WEIGHTS.values()))
    target = rng.choice(len(countries), n, p=weights / weights.sum())
    start = rng.integers(_days(CAMPAIGN_FIRST_DAY), _days(CAMPAIGN_LAST_DAY), n)
    length = rng.integers(14, 91, n)
    first, second = rng.integers(0, len(words), (2, n))
    quarter = [f"Q{(d.month - 1) // 3 + 1}" for d in _dates(start)]
    year = [d.year for d in _dates(start)]
    columns = {
        "campaign_id": campaign_ids(n),
        "campaign_name": [
            f"{words[a].title()} {words[b].title()} {q} {y} ({CHANNELS[c]})"
            for a, b, q, y, c in zip(
                first.tolist(), second.tolist(), quarter, year, channel.tolist(), strict=True
            )
        ],
        "channel": [CHANNELS[c] for c in channel.tolist()],
        "objective": [OBJECTIVES[o] for o in rng.integers(0, len(OBJECTIVES), n).tolist()],
        "target_country": [countries[t] for t in target.tolist()],
        "start_date": _dates(start),
        "end_date": _dates(start + length),
        "budget_usd": np.round(rng.lognormal(np.log(40_000), 0.9, n), 2),
    }
    return table_from_columns(arrow_schema(Campaign), columns)


def campaign_ids(n: int) -> list[str]:
    width = max(4, len(str(n)))
    return [f"CMP-{i:0{width}d}" for i in range(1, n + 1)]


CUSTOMER_CHUNK = 500_000  # customers per row group: memory stays flat in any world
_FIRST, _LAST, _DOMAIN, _SUFFIX, _ACQUIRED, _CAMPAIGN, _SIGNUP, _USER = range(0xD10, 0xD18)


def customer_chunks(
    world: World, campaigns: pa.Table, rows: int = CUSTOMER_CHUNK
) -> Iterator[pa.Table]:
    """The customers table in chunks of `rows` customers, each a pure function of its ids
    (every column is hashed from the customer id, like the world's own attributes)."""
    names = _name_pools(world)
    c_start = np.array([_days(d) for d in campaigns["start_date"].to_pylist()])
    c_end = np.array([_days(d) for d in campaigns["end_date"].to_pylist()])
    campaign_ids_ = np.array([*campaigns["campaign_id"].to_pylist(), None], dtype=object)
    # Each country's campaigns: an acquired customer was won by one aimed at their country.
    target = np.array(campaigns["target_country"].to_pylist(), dtype=object)
    aimed = [np.flatnonzero(target == code) for code in geo.COUNTRY_WEIGHTS]
    by_country = np.zeros((len(aimed), max(1, max(len(a) for a in aimed))), np.int64)
    for k, a in enumerate(aimed):
        by_country[k, : len(a)] = a
    count = np.array([len(a) for a in aimed], np.int64)
    plan = _CampaignPlan(c_start, c_end, campaign_ids_, by_country, count)
    for lo in range(0, world.n_customers, rows):
        ids = np.arange(lo, min(lo + rows, world.n_customers), dtype=np.int32)
        yield _customers(world, ids, names, plan)


@dataclass(frozen=True)
class _NamePools:
    """(countries, first | last | user, _NAME_POOL) names of each country's locale, and the
    same as lower-case ASCII for e-mail addresses (made once per pool, not per customer)."""

    text: npt.NDArray[np.object_]
    ascii: npt.NDArray[np.object_]


def _name_pools(world: World) -> _NamePools:
    text = np.array([_name_pool(world, k, code) for k, code in enumerate(geo.COUNTRY_WEIGHTS)],
                    dtype=object)  # fmt: skip
    ascii_ = np.array([_ascii(t) for t in text.ravel().tolist()], dtype=object)
    return _NamePools(text, ascii_.reshape(text.shape))


def _name_pool(world: World, k: int, country: str) -> tuple[list[str], list[str], list[str]]:
    """First names, family names and (for scripts without a Latin spelling) e-mail user
    names of the country's locale."""
    fake = Faker(geo.NAME_LOCALES[country])
    fake.seed_instance(world.config.seed * 100 + k)
    return ([fake.first_name() for _ in range(_NAME_POOL)],
            [fake.last_name() for _ in range(_NAME_POOL)],
            [fake.user_name() for _ in range(_NAME_POOL)])  # fmt: skip


def _name_order(code: str) -> tuple[bool, str]:
    """(family name first, the separator) of the country's full names."""
    template = geo.NAME_ORDER.get(code, "{first} {last}")
    swapped = template.index("{last}") < template.index("{first}")
    separator = template.replace("{first}", "").replace("{last}", "")
    expected = ("{last}" + separator + "{first}") if swapped else ("{first}" + separator + "{last}")
    if template != expected:
        raise ValueError(f"name order {template!r} of {code} is not two names and a separator")
    return swapped, separator


_LAST_NAME_FIRST = np.array([_name_order(c)[0] for c in geo.COUNTRY_WEIGHTS])
_NAME_SEPARATOR = np.array([_name_order(c)[1] for c in geo.COUNTRY_WEIGHTS], dtype=object)
_CITY_FIELDS = {
    name: np.array([getattr(c, name) for c in geo.CITIES], dtype=object)
    for name in ("country", "state", "city", "timezone")
}


@dataclass(frozen=True)
class _CampaignPlan:
    start: npt.NDArray[np.int64]  # days since the epoch, per campaign
    end: npt.NDArray[np.int64]
    ids: npt.NDArray[np.object_]  # campaign ids, then None (organic)
    by_country: npt.NDArray[np.int64]  # (countries, most campaigns): campaigns aimed at each
    count: npt.NDArray[np.int64]  # per country


def _customers(
    world: World, ids: npt.NDArray[np.int32], pools: _NamePools, plan: _CampaignPlan
) -> pa.Table:
    def uniform(stream: int) -> npt.NDArray[np.float64]:
        return rand.uniform(world.key, ids, stream)

    def index(stream: int, size: int) -> npt.NDArray[np.int64]:
        return (uniform(stream) * size).astype(np.int64)

    people = world.customers(ids)
    city_country = np.array([list(geo.COUNTRY_WEIGHTS).index(c.country) for c in geo.CITIES])
    country = city_country[people.city]
    pick = (index(_FIRST, _NAME_POOL), index(_LAST, _NAME_POOL), index(_USER, _NAME_POOL))
    first, last = (pools.text[country, kind, pick[kind]] for kind in (0, 1))
    a_first, a_last, a_user = (pools.ascii[country, kind, i] for kind, i in enumerate(pick))
    swapped = _LAST_NAME_FIRST[country]
    names = pc.binary_join_element_wise(
        pa.array(np.where(swapped, last, first), pa.string()),
        pa.array(np.where(swapped, first, last), pa.string()),
        pa.array(_NAME_SEPARATOR[country], pa.string()),
    )
    # first.last when both have a Latin spelling, else the locale's user name; then a number
    latin = pc.binary_join_element_wise(pa.array(a_first, pa.string()),
                                        pa.array(a_last, pa.string()), ".")  # fmt: skip
    both = pa.array((a_first != "") & (a_last != ""))
    local = pc.if_else(both, latin, pa.array(a_user, pa.string()))
    suffix = pa.array(1 + index(_SUFFIX, 99)).cast(pa.string())
    numbered = pc.binary_join_element_wise(local, suffix, "")
    domain = np.array(EMAIL_DOMAINS, dtype=object)[index(_DOMAIN, len(EMAIL_DOMAINS))]
    emails = pc.binary_join_element_wise(numbered, pa.array(domain, pa.string()), "@")

    # Campaign-acquired customers were won by a campaign aimed at their country and signed
    # up while it ran; the rest (and those of a country no campaign aimed at) organically.
    acquired = (uniform(_ACQUIRED) < ACQUIRED_BY_CAMPAIGN) & (plan.count[country] > 0)
    chosen = plan.by_country[country, (uniform(_CAMPAIGN) * plan.count[country]).astype(np.int64)]
    c_start, c_end = plan.start, plan.end
    campaign_day = c_start[chosen] + (uniform(_SIGNUP) * (c_end - c_start)[chosen]).astype(int)
    first_day, last_day = _days(ORGANIC_SIGNUP_FIRST_DAY), _days(ORGANIC_SIGNUP_LAST_DAY)
    organic_day = first_day + (uniform(_SIGNUP) * (last_day - first_day)).astype(np.int64)
    signup = np.where(acquired, campaign_day, organic_day)
    city = people.city
    text = world.customer_id_text(ids)
    columns = {
        "customer_id": text.view(f"S{text.shape[1]}").ravel().astype(str),
        "name": names,
        "email": emails,
        "country": _CITY_FIELDS["country"][city],
        "state": _CITY_FIELDS["state"][city],
        "city": _CITY_FIELDS["city"][city],
        "timezone": _CITY_FIELDS["timezone"][city],
        "isp": np.array(world.network_names, dtype=object)[people.isp],
        "connection_type": np.array(CONNECTION_TYPES, dtype=object)[people.connection],
        "mobile_carrier": np.array(world.network_names, dtype=object)[people.carrier],
        "plan": np.array(PLANS, dtype=object)[people.plan],
        "max_streams": np.asarray(PLAN_STREAMS, dtype=np.int32)[people.plan],
        "signup_date": pa.array(signup.astype(np.int32), pa.date32()),  # days since 1970
        "acquisition_campaign_id": plan.ids[np.where(acquired, chosen, len(c_start))],
        "device_count": people.device_count,
    }
    return table_from_columns(arrow_schema(Customer), columns)


def titles_table(world: World) -> pa.Table:
    """One row per film, documentary and episode; a show's episodes share its name, genre,
    rating and first release year, numbered by season and episode."""
    rng = _rng(world, 3)
    n = len(world.title_type)
    rating_pick = rng.integers(0, 100, n)
    # Release years skew recent: catalogues are mostly the last decade, released before the
    # data's years (2026 on).
    release = np.clip(LAST_RELEASE_YEAR - np.floor(rng.exponential(7.0, n)), 1960,
                      LAST_RELEASE_YEAR).astype(np.int32)  # fmt: skip
    # A show's traits are its first episode's (draws per row, then shared).
    show = world.title_show
    episode = show >= 0
    first_row = np.flatnonzero(np.r_[True, show[1:] != show[:-1]] | ~episode)
    owner = first_row[np.searchsorted(first_row, np.arange(n), side="right") - 1]
    rating_pick = rating_pick[owner]
    release = np.minimum(release[owner] + world.title_season - np.minimum(world.title_season, 1),
                         LAST_RELEASE_YEAR).astype(np.int32)  # fmt: skip
    work_name = dict(zip(first_row.tolist(), title_names(rng, len(first_row), world.config.seed),
                         strict=True))  # fmt: skip
    plain = [work_name[o] for o in owner.tolist()]
    numbered = np.strings.add(
        np.strings.add(np.strings.add(" S", world.title_season.astype(str)), " E"),
        world.title_episode.astype(str),
    )
    names = np.where(episode, np.strings.add(np.array(plain, dtype=np.str_), numbered), plain)
    types = [TITLE_TYPES[t] for t in world.title_type.tolist()]
    genres = [GENRES[t][g] for t, g in zip(types, world.title_genre.tolist(), strict=True)]
    width = max(5, len(str(int(show.max()) + 1)))
    show_ids = [f"SHOW-{s + 1:0{width}d}" if s >= 0 else None for s in show.tolist()]
    columns = {
        "title_id": list(world.title_ids),
        "title_name": names.tolist(),
        "title_type": types,
        "genre": genres,
        "release_year": release,
        "runtime_seconds": world.title_runtime,
        "credits_start_seconds": world.title_credits,
        "maturity_rating": [
            RATINGS[t][g][r % len(RATINGS[t][g])]
            for t, g, r in zip(types, genres, rating_pick.tolist(), strict=True)
        ],
        "popularity_rank": world.title_rank,
        "series_id": show_ids,
        "season_number": [s if s else None for s in world.title_season.tolist()],
        "episode_number": [e if e else None for e in world.title_episode.tolist()],
    }
    return table_from_columns(arrow_schema(Title), columns)


def dimension_chunks(world: World) -> dict[str, Iterator[pa.Table]]:
    """Each dimension table as row groups, generated as they are written."""
    campaigns = campaigns_table(world)
    return {
        "customers": customer_chunks(world, campaigns),
        "titles": iter([titles_table(world)]),
        "campaigns": iter([campaigns]),
    }


def dimension_tables(world: World) -> dict[str, pa.Table]:
    """Each dimension table whole (for small worlds: tests, the local SQL session)."""
    return {name: pa.concat_tables(chunks) for name, chunks in dimension_chunks(world).items()}
