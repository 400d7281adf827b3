"""The one schema source: pydantic models of the telemetry event and the dimension tables.

Everything else (Arrow/Parquet schema, Glue columns for Terraform, Athena DDL, Kinesis JSON)
is derived from these classes by `acme_gen.schema`. Field order is column order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


@dataclass(frozen=True)
class GlueType:
    """Pins a field's Glue/Hive type where the Python type alone is ambiguous (int vs bigint)."""

    name: str


# Athena reads Parquet INT32 only as `int`; a wider physical type fails with HIVE_BAD_DATA.
Int32 = Annotated[int, GlueType("int"), Field(ge=0, le=2**31 - 1)]

EventType = Literal["start", "pause", "resume", "stop", "complete"]
TitleType = Literal["movie", "series", "documentary"]
DeviceType = Literal["mobile", "web", "tv", "tablet"]
Quality = Literal["SD", "HD", "4K"]
Plan = Literal["basic", "standard", "premium"]

EVENT_TYPES: tuple[EventType, ...] = ("start", "pause", "resume", "stop", "complete")
TITLE_TYPES: tuple[TitleType, ...] = ("movie", "series", "documentary")
DEVICE_TYPES: tuple[DeviceType, ...] = ("mobile", "web", "tv", "tablet")
QUALITIES: tuple[Quality, ...] = ("SD", "HD", "4K")
PLANS: tuple[Plan, ...] = ("basic", "standard", "premium")
# Simultaneous streams each plan allows, as streaming plans sell them (1, 2, 4 screens).
PLAN_STREAMS: tuple[int, ...] = (1, 2, 4)

TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StreamingEvent(_Row):
    """One player event. Counters (buffering, errors) cover the interval since the session's
    previous event, so SUM over a session gives its totals; watch duration and position are
    running values that only move forward."""

    event_id: str = Field(description="Unique event identifier (UUID)")
    event_type: EventType = Field(description="start, pause, resume, stop or complete")
    event_timestamp: str = Field(
        pattern=TIMESTAMP_PATTERN, description="ISO 8601 UTC with milliseconds"
    )
    customer_id: str = Field(description="Customer identifier (customers.customer_id)")
    title_id: str = Field(description="Content identifier (titles.title_id)")
    session_id: str = Field(description="Playback session identifier (UUID)")
    device_id: str = Field(description="Device identifier (UUID), stable per customer device")
    title_type: TitleType = Field(description="movie, series or documentary")
    device_type: DeviceType = Field(description="mobile, web, tv or tablet")
    device_os: str = Field(description="Device operating system")
    app_version: str = Field(description="Player app version on the device")
    quality: Quality = Field(description="Stream quality: SD, HD or 4K")
    bandwidth_mbps: float = Field(ge=0, description="Measured throughput, Mbit/s")
    buffering_events: Int32 = Field(description="Rebuffering stalls since the previous event")
    buffering_duration_seconds: float = Field(
        ge=0, description="Seconds stalled since the previous event"
    )
    error_count: Int32 = Field(description="Player errors since the previous event")
    watch_duration_seconds: Int32 = Field(
        description="Seconds watched since the session's previous event (SUM: watch time)"
    )
    position_seconds: Int32 = Field(description="Playhead position in the title, seconds")
    completion_percentage: float = Field(
        ge=0, le=100, description="100 * position_seconds / title runtime"
    )
    ip_address: str = Field(description="Client IP address: IPv4 dotted quad or IPv6 (RFC 5952)")
    isp: str = Field(description="Internet service provider of the connection")
    connection_type: str = Field(description="fiber, cable, dsl, satellite, 4g or 5g")
    country: str = Field(description="ISO 3166-1 alpha-2 country code")
    state: str = Field(description="State or region")
    city: str = Field(description="City")


class Customer(_Row):
    customer_id: str = Field(description="Customer identifier")
    name: str = Field(description="Full name")
    email: str = Field(description="Email address")
    country: str = Field(description="Home country, ISO 3166-1 alpha-2")
    state: str = Field(description="Home state or region")
    city: str = Field(description="Home city")
    timezone: str = Field(description="IANA time zone of the home city")
    isp: str = Field(description="Home internet service provider")
    connection_type: str = Field(description="Home connection: fiber, cable, dsl, satellite, 5g")
    mobile_carrier: str = Field(description="Mobile carrier used away from home")
    plan: Plan = Field(description="Subscription plan")
    max_streams: Int32 = Field(description="Simultaneous streams the plan allows")
    signup_date: date = Field(description="Subscription start date")
    acquisition_campaign_id: str | None = Field(
        description="campaigns.campaign_id that acquired the customer; null when organic"
    )
    device_count: Int32 = Field(description="Number of registered devices (1-4)")


class Title(_Row):
    title_id: str = Field(description="Content identifier")
    title_name: str = Field(description="Display title")
    title_type: TitleType = Field(description="movie, series or documentary")
    genre: str = Field(description="Primary genre")
    release_year: Int32 = Field(description="Year of release")
    runtime_seconds: Int32 = Field(description="Runtime of the title (an episode for series)")
    credits_start_seconds: Int32 = Field(
        description="Second the end credits begin (90-97% of the runtime): complete fires there"
    )
    maturity_rating: str = Field(description="Audience rating")
    popularity_rank: Int32 = Field(description="1 = most watched; views follow a Zipf law")
    series_id: str | None = Field(description="The show an episode belongs to; null for films")
    season_number: Int32 | None = Field(
        description="Season of an episode (1-based); null for films"
    )
    episode_number: Int32 | None = Field(
        description="Episode within its season (1-based); null for films"
    )


class Campaign(_Row):
    campaign_id: str = Field(description="Campaign identifier")
    campaign_name: str = Field(description="Campaign name")
    channel: str = Field(description="Marketing channel")
    objective: str = Field(description="Campaign objective")
    target_country: str = Field(description="Targeted country, ISO 3166-1 alpha-2")
    start_date: date = Field(description="First day of the campaign")
    end_date: date = Field(description="Last day of the campaign")
    budget_usd: float = Field(ge=0, description="Budget in US dollars")


DIMENSIONS = ("customers", "titles", "campaigns")  # the tables beside streaming_events
TABLES: dict[str, type[BaseModel]] = {
    "streaming_events": StreamingEvent,
    "customers": Customer,
    "titles": Title,
    "campaigns": Campaign,
}
