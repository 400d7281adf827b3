"""Dimension tables (customers, titles, campaigns) from the same world as the events.

Descriptive columns (names, emails, dates, genres) are drawn here, once per dataset; mimesis
supplies name and word vocabularies, sampled by index rather than called per row.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from mimesis import Person, Text
from mimesis.locales import Locale

from acme_gen.core import geo
from acme_gen.core.world import CONNECTION_TYPES, World
from acme_gen.lake.arrow import table_from_columns
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

CHANNELS = ("paid_search", "paid_social", "display", "email", "connected_tv", "affiliate",
            "referral")  # fmt: skip
OBJECTIVES = ("acquisition", "reactivation", "retention", "upsell")
GENRES = {
    "movie": ("Drama", "Comedy", "Action", "Thriller", "Sci-Fi", "Horror", "Romance", "Animation"),
    "series": ("Drama", "Comedy", "Crime", "Reality", "Sci-Fi", "Kids", "Fantasy"),
    "documentary": ("Nature", "History", "True Crime", "Science", "Sports", "Music"),
}
RATINGS = {
    "movie": ("G", "PG", "PG-13", "R"),
    "series": ("TV-Y", "TV-PG", "TV-14", "TV-MA"),
    "documentary": ("TV-G", "TV-PG", "TV-14"),
}
EMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


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
    season = start // 91 % 4
    quarter = [("Q1", "Q2", "Q3", "Q4")[q] for q in season.tolist()]
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


def customers_table(world: World, campaigns: pa.Table) -> pa.Table:
    rng = _rng(world, 2)
    n = world.n_customers
    country = np.array([c.country for c in geo.CITIES])[world.customer_city]
    first_names = np.empty(n, dtype=object)
    last_names = np.empty(n, dtype=object)
    for k, code in enumerate(geo.COUNTRY_WEIGHTS):
        members = np.flatnonzero(country == code)
        person = Person(Locale(geo.NAME_LOCALES[code]), seed=world.config.seed + k)
        firsts = np.array([person.first_name() for _ in range(_NAME_POOL)], dtype=object)
        lasts = np.array([person.last_name() for _ in range(_NAME_POOL)], dtype=object)
        first_names[members] = firsts[rng.integers(0, _NAME_POOL, len(members))]
        last_names[members] = lasts[rng.integers(0, _NAME_POOL, len(members))]
    domain = rng.integers(0, len(EMAIL_DOMAINS), n)
    suffix = rng.integers(1, 100, n)
    names = [f"{f} {last}" for f, last in zip(first_names, last_names, strict=True)]
    emails = [
        f"{_ascii(f)}.{_ascii(last)}{s}@{EMAIL_DOMAINS[d]}".replace(" ", "")
        for f, last, s, d in zip(first_names, last_names, suffix.tolist(), domain.tolist(),
                                 strict=True)
    ]  # fmt: skip

    # Campaign-acquired customers signed up while their campaign ran; the rest organically.
    n_campaigns = campaigns.num_rows
    acquired = rng.random(n) < ACQUIRED_BY_CAMPAIGN
    campaign = rng.integers(0, n_campaigns, n)
    c_start = np.array([_days(d) for d in campaigns["start_date"].to_pylist()])
    c_end = np.array([_days(d) for d in campaigns["end_date"].to_pylist()])
    campaign_day = c_start[campaign] + (rng.random(n) * (c_end - c_start)[campaign]).astype(int)
    organic_day = rng.integers(_days(ORGANIC_SIGNUP_FIRST_DAY), _days(ORGANIC_SIGNUP_LAST_DAY), n)
    signup = np.where(acquired, campaign_day, organic_day)
    ids = campaigns["campaign_id"].to_pylist()
    city = [geo.CITIES[i] for i in world.customer_city.tolist()]
    columns = {
        "customer_id": list(world.customer_ids),
        "name": names,
        "email": emails,
        "country": [c.country for c in city],
        "state": [c.state for c in city],
        "city": [c.city for c in city],
        "timezone": [c.timezone for c in city],
        "isp": [world.network_names[i] for i in world.customer_isp.tolist()],
        "connection_type": [CONNECTION_TYPES[i] for i in world.customer_connection.tolist()],
        "mobile_carrier": [world.network_names[i] for i in world.customer_carrier.tolist()],
        "plan": [PLANS[i] for i in world.customer_plan.tolist()],
        "max_streams": np.asarray(PLAN_STREAMS, dtype=np.int32)[world.customer_plan],
        "signup_date": _dates(signup),
        "acquisition_campaign_id": [
            ids[c] if a else None for a, c in zip(acquired.tolist(), campaign.tolist(), strict=True)
        ],
        "device_count": world.customer_device_count,
    }
    return table_from_columns(arrow_schema(Customer), columns)


def titles_table(world: World) -> pa.Table:
    rng = _rng(world, 3)
    n = len(world.title_type)
    words = [w.title() for w in _words(world.config.seed + 1, 600)]
    types = [TITLE_TYPES[t] for t in world.title_type.tolist()]
    n_words = rng.integers(1, 4, n)
    picks = rng.integers(0, len(words), (n, 3))
    the = rng.random(n) < 0.35
    names = [
        ("The " if t else "") + " ".join(words[w] for w in row[:k])
        for t, row, k in zip(the.tolist(), picks.tolist(), n_words.tolist(), strict=True)
    ]
    genre_pick = rng.integers(0, 100, n)
    rating_pick = rng.integers(0, 100, n)
    # Release years skew recent: catalogues are mostly the last decade.
    release = np.clip(2026 - np.floor(rng.exponential(7.0, n)), 1960, 2026).astype(np.int32)
    columns = {
        "title_id": list(world.title_ids),
        "title_name": names,
        "title_type": types,
        "genre": [GENRES[t][g % len(GENRES[t])] for t, g in zip(types, genre_pick, strict=True)],
        "release_year": release,
        "runtime_seconds": world.title_runtime,
        "maturity_rating": [
            RATINGS[t][r % len(RATINGS[t])] for t, r in zip(types, rating_pick, strict=True)
        ],
        "popularity_rank": world.title_rank,
    }
    return table_from_columns(arrow_schema(Title), columns)


def dimension_tables(world: World) -> dict[str, pa.Table]:
    campaigns = campaigns_table(world)
    return {
        "customers": customers_table(world, campaigns),
        "titles": titles_table(world),
        "campaigns": campaigns,
    }
