"""Curated geography and network vocabularies.

Hand-kept rather than drawn from mimesis because the columns must agree with each other: a
city lies in its state and time zone, an ISP serves its country. Weights are rough subscriber
shares (population-weighted within a country); they shape the data, not any real company.
Each network names the autonomous systems (ASNs) that announce its customers' addresses;
the address ranges themselves come from public routing data (acme_gen.core.addresses).
"""

from __future__ import annotations

from typing import NamedTuple


class City(NamedTuple):
    country: str
    state: str
    city: str
    timezone: str
    weight: float


class Isp(NamedTuple):
    country: str
    name: str
    connection_type: str  # fiber | cable | dsl | satellite | 5g (fixed wireless)
    weight: float
    asns: tuple[int, ...]  # the autonomous systems its customers' addresses are announced by
    ipv6_share: float  # share of its sessions over IPv6 (IPV6_SOURCE)


class Carrier(NamedTuple):
    country: str
    name: str
    share_5g: float  # share of its sessions on 5G rather than 4G
    weight: float
    asns: tuple[int, ...]
    ipv6_share: float


# IPv6 shares by network, rounded, after APNIC Labs' per-AS IPv6 capability measurements
# (stats.labs.apnic.net/ipv6) and Google's per-country IPv6 statistics: mobile carriers and
# the large cable and fibre networks of the US, France, Germany, India and Japan are mostly
# IPv6; Spain, Korea's fixed lines and several incumbents (Bell, Optus, TalkTalk) barely.
IPV6_SOURCE = "APNIC Labs per-AS IPv6 capability; Google IPv6 statistics (both 2025)"


# Country subscriber shares, loosely after a global SVOD footprint (North America largest).
COUNTRY_WEIGHTS: dict[str, float] = {
    "US": 0.42, "CA": 0.05, "GB": 0.08, "DE": 0.06, "FR": 0.05, "ES": 0.03,
    "BR": 0.07, "MX": 0.06, "IN": 0.07, "JP": 0.04, "AU": 0.04, "KR": 0.03,
}  # fmt: skip

# Locale of customer names per country (Faker locales), and how a full name is written:
# Japanese and Korean names put the family name first, Korean without a space.
NAME_LOCALES: dict[str, str] = {
    "US": "en_US", "CA": "en_CA", "GB": "en_GB", "DE": "de_DE", "FR": "fr_FR", "ES": "es_ES",
    "BR": "pt_BR", "MX": "es_MX", "IN": "en_IN", "JP": "ja_JP", "AU": "en_AU", "KR": "ko_KR",
}  # fmt: skip
NAME_ORDER: dict[str, str] = {"JP": "{last} {first}", "KR": "{last}{first}"}

CITIES: tuple[City, ...] = (
    City("US", "New York", "New York", "America/New_York", 8.3),
    City("US", "New York", "Buffalo", "America/New_York", 0.9),
    City("US", "California", "Los Angeles", "America/Los_Angeles", 3.9),
    City("US", "California", "San Diego", "America/Los_Angeles", 1.4),
    City("US", "California", "San Jose", "America/Los_Angeles", 1.0),
    City("US", "California", "San Francisco", "America/Los_Angeles", 0.9),
    City("US", "Illinois", "Chicago", "America/Chicago", 2.7),
    City("US", "Texas", "Houston", "America/Chicago", 2.3),
    City("US", "Texas", "Dallas", "America/Chicago", 1.3),
    City("US", "Texas", "Austin", "America/Chicago", 1.0),
    City("US", "Texas", "San Antonio", "America/Chicago", 1.4),
    City("US", "Arizona", "Phoenix", "America/Phoenix", 1.6),
    City("US", "Pennsylvania", "Philadelphia", "America/New_York", 1.6),
    City("US", "Pennsylvania", "Pittsburgh", "America/New_York", 0.6),
    City("US", "Florida", "Miami", "America/New_York", 0.9),
    City("US", "Florida", "Orlando", "America/New_York", 0.6),
    City("US", "Florida", "Tampa", "America/New_York", 0.6),
    City("US", "Florida", "Jacksonville", "America/New_York", 0.9),
    City("US", "Washington", "Seattle", "America/Los_Angeles", 0.7),
    City("US", "Massachusetts", "Boston", "America/New_York", 0.7),
    City("US", "Georgia", "Atlanta", "America/New_York", 0.5),
    City("US", "Colorado", "Denver", "America/Denver", 0.7),
    City("US", "Michigan", "Detroit", "America/Detroit", 0.6),
    City("US", "Minnesota", "Minneapolis", "America/Chicago", 0.4),
    City("US", "Ohio", "Columbus", "America/New_York", 0.9),
    City("US", "North Carolina", "Charlotte", "America/New_York", 0.9),
    City("US", "Tennessee", "Nashville", "America/Chicago", 0.7),
    City("US", "Oregon", "Portland", "America/Los_Angeles", 0.7),
    City("US", "Nevada", "Las Vegas", "America/Los_Angeles", 0.6),
    City("US", "Utah", "Salt Lake City", "America/Denver", 0.2),
    City("CA", "Ontario", "Toronto", "America/Toronto", 2.8),
    City("CA", "Ontario", "Ottawa", "America/Toronto", 1.0),
    City("CA", "Quebec", "Montreal", "America/Toronto", 1.8),
    City("CA", "British Columbia", "Vancouver", "America/Vancouver", 0.7),
    City("CA", "Alberta", "Calgary", "America/Edmonton", 1.3),
    City("CA", "Alberta", "Edmonton", "America/Edmonton", 1.0),
    City("GB", "England", "London", "Europe/London", 8.9),
    City("GB", "England", "Birmingham", "Europe/London", 1.1),
    City("GB", "England", "Manchester", "Europe/London", 0.6),
    City("GB", "England", "Leeds", "Europe/London", 0.8),
    City("GB", "Scotland", "Glasgow", "Europe/London", 0.6),
    City("GB", "Scotland", "Edinburgh", "Europe/London", 0.5),
    City("GB", "Wales", "Cardiff", "Europe/London", 0.4),
    City("DE", "Berlin", "Berlin", "Europe/Berlin", 3.7),
    City("DE", "Hamburg", "Hamburg", "Europe/Berlin", 1.9),
    City("DE", "Bavaria", "Munich", "Europe/Berlin", 1.5),
    City("DE", "North Rhine-Westphalia", "Cologne", "Europe/Berlin", 1.1),
    City("DE", "Hesse", "Frankfurt", "Europe/Berlin", 0.8),
    City("FR", "Ile-de-France", "Paris", "Europe/Paris", 2.2),
    City("FR", "Provence-Alpes-Cote d'Azur", "Marseille", "Europe/Paris", 0.9),
    City("FR", "Auvergne-Rhone-Alpes", "Lyon", "Europe/Paris", 0.5),
    City("FR", "Occitanie", "Toulouse", "Europe/Paris", 0.5),
    City("ES", "Madrid", "Madrid", "Europe/Madrid", 3.3),
    City("ES", "Catalonia", "Barcelona", "Europe/Madrid", 1.6),
    City("ES", "Valencia", "Valencia", "Europe/Madrid", 0.8),
    City("ES", "Andalusia", "Seville", "Europe/Madrid", 0.7),
    City("BR", "Sao Paulo", "Sao Paulo", "America/Sao_Paulo", 12.3),
    City("BR", "Rio de Janeiro", "Rio de Janeiro", "America/Sao_Paulo", 6.7),
    City("BR", "Distrito Federal", "Brasilia", "America/Sao_Paulo", 3.0),
    City("BR", "Bahia", "Salvador", "America/Bahia", 2.9),
    City("BR", "Ceara", "Fortaleza", "America/Fortaleza", 2.7),
    City("MX", "Ciudad de Mexico", "Mexico City", "America/Mexico_City", 9.2),
    City("MX", "Jalisco", "Guadalajara", "America/Mexico_City", 1.4),
    City("MX", "Nuevo Leon", "Monterrey", "America/Monterrey", 1.1),
    City("MX", "Puebla", "Puebla", "America/Mexico_City", 1.7),
    City("IN", "Maharashtra", "Mumbai", "Asia/Kolkata", 12.4),
    City("IN", "Delhi", "New Delhi", "Asia/Kolkata", 11.0),
    City("IN", "Karnataka", "Bengaluru", "Asia/Kolkata", 8.4),
    City("IN", "Telangana", "Hyderabad", "Asia/Kolkata", 6.8),
    City("IN", "Tamil Nadu", "Chennai", "Asia/Kolkata", 4.6),
    City("JP", "Tokyo", "Tokyo", "Asia/Tokyo", 14.0),
    City("JP", "Osaka", "Osaka", "Asia/Tokyo", 2.7),
    City("JP", "Kanagawa", "Yokohama", "Asia/Tokyo", 3.7),
    City("JP", "Aichi", "Nagoya", "Asia/Tokyo", 2.3),
    City("AU", "New South Wales", "Sydney", "Australia/Sydney", 5.3),
    City("AU", "Victoria", "Melbourne", "Australia/Melbourne", 5.1),
    City("AU", "Queensland", "Brisbane", "Australia/Brisbane", 2.6),
    City("AU", "Western Australia", "Perth", "Australia/Perth", 2.1),
    City("KR", "Seoul", "Seoul", "Asia/Seoul", 9.7),
    City("KR", "Busan", "Busan", "Asia/Seoul", 3.4),
    City("KR", "Incheon", "Incheon", "Asia/Seoul", 2.9),
)

ISPS: tuple[Isp, ...] = (
    Isp("US", "Comcast Xfinity", "cable", 30, (7922,), 0.72),
    Isp("US", "Charter Spectrum", "cable", 28,
        (20115, 11427, 10796, 11351, 12271, 20001, 33363), 0.55),
    Isp("US", "AT&T Fiber", "fiber", 14, (7018,), 0.7),
    Isp("US", "Verizon Fios", "fiber", 7, (701,), 0.3),
    Isp("US", "Cox Communications", "cable", 6, (22773,), 0.45),
    Isp("US", "CenturyLink", "dsl", 4, (209,), 0.15),
    Isp("US", "T-Mobile Home Internet", "5g", 6, (21928,), 0.9),
    Isp("US", "Starlink", "satellite", 2, (14593,), 0.5),
    Isp("CA", "Rogers", "cable", 30, (812,), 0.35),
    Isp("CA", "Bell Canada", "fiber", 35, (577,), 0.1),
    Isp("CA", "Vidéotron", "cable", 20, (5769,), 0.3),
    Isp("CA", "Telus", "fiber", 15, (852,), 0.5),
    Isp("GB", "BT", "fiber", 33, (2856,), 0.65),
    Isp("GB", "Sky Broadband", "dsl", 23, (5607,), 0.9),
    Isp("GB", "Virgin Media", "cable", 20, (5089,), 0.2),
    Isp("GB", "TalkTalk", "dsl", 12, (13285,), 0.05),
    Isp("DE", "Telekom", "dsl", 38, (3320,), 0.75),
    Isp("DE", "Vodafone", "cable", 30, (3209,), 0.55),
    Isp("DE", "1&1", "dsl", 17, (8881,), 0.5),
    Isp("DE", "O2", "dsl", 15, (6805,), 0.4),
    Isp("FR", "Orange", "fiber", 40, (3215,), 0.8),
    Isp("FR", "Free", "fiber", 24, (12322,), 0.9),
    Isp("FR", "SFR", "cable", 22, (15557,), 0.55),
    Isp("FR", "Bouygues Telecom", "fiber", 14, (5410,), 0.75),
    Isp("ES", "Movistar", "fiber", 40, (3352,), 0.05),
    Isp("ES", "Vodafone Spain", "fiber", 22, (12430,), 0.1),
    Isp("ES", "Orange Spain", "fiber", 28, (12479,), 0.3),
    Isp("ES", "Digi", "fiber", 10, (57269,), 0.5),
    Isp("BR", "Claro Internet", "cable", 30, (28573,), 0.6),
    Isp("BR", "Vivo Fibra", "fiber", 28, (26599, 18881, 27699), 0.6),
    Isp("BR", "Nio Fibra", "fiber", 18, (7738, 8167), 0.4),
    Isp("BR", "TIM Ultrafibra", "fiber", 24, (26615,), 0.5),
    Isp("MX", "Telmex Infinitum", "dsl", 45, (8151,), 0.6),
    Isp("MX", "Totalplay", "fiber", 25, (22884,), 0.3),
    Isp("MX", "izzi", "cable", 30, (11888, 28509), 0.4),
    Isp("IN", "JioFiber", "fiber", 40, (55836,), 0.9),
    Isp("IN", "Airtel Xstream", "fiber", 35, (24560, 9498), 0.75),
    Isp("IN", "ACT Fibernet", "fiber", 15, (24309,), 0.3),
    Isp("IN", "BSNL", "dsl", 10, (9829,), 0.1),
    Isp("JP", "NTT Docomo OCN", "fiber", 45, (4713,), 0.5),
    Isp("JP", "KDDI au Hikari", "fiber", 25, (2516,), 0.6),
    Isp("JP", "SoftBank Hikari", "fiber", 20, (17676,), 0.6),
    Isp("JP", "J:COM", "cable", 10, (9824, 9617, 4721), 0.3),
    Isp("AU", "Telstra", "fiber", 40, (1221,), 0.7),
    Isp("AU", "Optus", "fiber", 20, (4804, 7474), 0.05),
    Isp("AU", "TPG", "dsl", 25, (7545,), 0.1),
    Isp("AU", "Starlink", "satellite", 5, (14593,), 0.5),
    Isp("AU", "Aussie Broadband", "fiber", 10, (4764,), 0.5),
    Isp("KR", "KT", "fiber", 41, (4766,), 0.05),
    Isp("KR", "SK Broadband", "fiber", 29, (9318,), 0.05),
    Isp("KR", "LG U+", "fiber", 30, (3786, 17858), 0.05),
)  # fmt: skip

CARRIERS: tuple[Carrier, ...] = (
    Carrier("US", "Verizon Wireless", 0.5, 35, (22394, 6167), 0.85),
    Carrier("US", "AT&T Mobility", 0.5, 35, (20057,), 0.85),
    Carrier("US", "T-Mobile US", 0.65, 30, (21928,), 0.95),
    Carrier("CA", "Rogers Wireless", 0.4, 35, (812,), 0.6),
    Carrier("CA", "Bell Mobility", 0.4, 35, (577, 36522), 0.5),
    Carrier("CA", "Telus Mobility", 0.4, 30, (852,), 0.6),
    Carrier("GB", "EE", 0.45, 35, (2856,), 0.75),
    Carrier("GB", "Vodafone UK", 0.35, 25, (5378, 25135), 0.3),
    Carrier("GB", "O2 UK", 0.35, 25, (35228,), 0.1),
    Carrier("GB", "Three UK", 0.4, 15, (206067,), 0.5),
    Carrier("DE", "Telekom Mobil", 0.4, 40, (3320,), 0.8),
    Carrier("DE", "Vodafone DE Mobil", 0.35, 30, (3209,), 0.5),
    Carrier("DE", "O2 Mobil", 0.3, 30, (6805,), 0.4),
    Carrier("FR", "Orange Mobile", 0.4, 40, (3215,), 0.7),
    Carrier("FR", "SFR Mobile", 0.35, 25, (15557,), 0.6),
    Carrier("FR", "Free Mobile", 0.35, 20, (51207,), 0.9),
    Carrier("FR", "Bouygues Mobile", 0.35, 15, (5410,), 0.8),
    Carrier("ES", "Movistar Movil", 0.35, 40, (3352,), 0.1),
    Carrier("ES", "Vodafone ES Movil", 0.3, 30, (12430,), 0.1),
    Carrier("ES", "Orange ES Movil", 0.3, 30, (12479,), 0.3),
    Carrier("BR", "Vivo", 0.25, 35, (26599,), 0.6),
    Carrier("BR", "Claro", 0.25, 35, (28573, 4230), 0.5),
    Carrier("BR", "TIM Brasil", 0.25, 30, (26615,), 0.6),
    Carrier("MX", "Telcel", 0.15, 65, (28403,), 0.6),
    Carrier("MX", "AT&T Mexico", 0.15, 35, (28469,), 0.6),
    Carrier("IN", "Jio", 0.4, 45, (55836,), 0.9),
    Carrier("IN", "Airtel", 0.4, 40, (45609, 24560), 0.8),
    Carrier("IN", "Vi", 0.1, 15, (55410, 38266, 45271), 0.4),
    Carrier("JP", "NTT Docomo", 0.4, 40, (9605,), 0.5),
    Carrier("JP", "au by KDDI", 0.4, 30, (2516,), 0.7),
    Carrier("JP", "SoftBank Mobile", 0.4, 30, (17676,), 0.5),
    Carrier("AU", "Telstra Mobile", 0.45, 45, (1221,), 0.9),
    Carrier("AU", "Optus Mobile", 0.35, 30, (4804,), 0.1),
    Carrier("AU", "Vodafone AU", 0.3, 25, (133612,), 0.1),
    Carrier("KR", "SK Telecom", 0.6, 45, (9644,), 0.6),
    Carrier("KR", "KT Mobile", 0.6, 30, (4766,), 0.5),
    Carrier("KR", "LG U+ Mobile", 0.6, 25, (17858,), 0.3),
)  # fmt: skip
