"""Curated geography and network vocabularies.

The places come from the GeoNames gazetteer (acme_gen.core.places); the networks are kept
here because the columns must agree with each other: an ISP serves its country and the
regions (states, provinces, prefectures) it really covers. Weights are rough subscriber
shares; they shape the data, not any real company.
Each network names the autonomous systems (ASNs) that announce its customers' addresses;
the address ranges themselves come from public routing data (acme_gen.core.addresses).
"""

from __future__ import annotations

from typing import NamedTuple

from acme_gen.core.places import CITIES as CITIES
from acme_gen.core.places import City as City


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

# The regions each home ISP serves, by the gazetteer's first-level names; an ISP not listed
# serves its whole country (national fibre and DSL networks, fixed wireless, satellite).
# After the operators' published footprints: cable and the US telcos' wireline areas are
# regional, so Cox is in Arizona, not New York, and Videotron in Quebec.
_COMCAST = ("Washington", "Oregon", "California", "Colorado", "Utah", "New Mexico", "Minnesota",
            "Illinois", "Indiana", "Michigan", "Tennessee", "Georgia", "Florida",
            "Pennsylvania", "New Jersey", "Delaware", "Maryland", "District of Columbia",
            "Virginia", "West Virginia", "Massachusetts", "New Hampshire", "Vermont", "Maine",
            "Connecticut", "Texas", "Mississippi", "Alabama", "Arkansas", "South Carolina",
            "Kentucky")  # fmt: skip
_CHARTER = ("New York", "California", "Texas", "Ohio", "North Carolina", "South Carolina",
            "Kentucky", "Wisconsin", "Missouri", "Nebraska", "Alabama", "Louisiana", "Florida",
            "Michigan", "Minnesota", "Massachusetts", "Connecticut", "Maine", "Hawaii",
            "Nevada", "Idaho", "Montana", "Wyoming", "Tennessee", "Georgia", "Virginia",
            "Oregon", "Washington", "Colorado", "Illinois", "Indiana", "New Hampshire",
            "Vermont", "New Mexico", "Mississippi", "Kansas", "Oklahoma", "Alaska",
            "Pennsylvania", "New Jersey")  # fmt: skip
_AT_T_WIRELINE = ("California", "Nevada", "Texas", "Oklahoma", "Kansas", "Missouri",
                  "Arkansas", "Louisiana", "Mississippi", "Alabama", "Tennessee", "Kentucky",
                  "Georgia", "Florida", "South Carolina", "North Carolina", "Indiana",
                  "Illinois", "Michigan", "Ohio", "Wisconsin")  # fmt: skip
ISP_REGIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("US", "Comcast Xfinity"): _COMCAST,
    ("US", "Charter Spectrum"): _CHARTER,
    ("US", "AT&T Fiber"): _AT_T_WIRELINE,
    ("US", "Verizon Fios"): ("New York", "New Jersey", "Pennsylvania", "Massachusetts",
                             "Rhode Island", "Maryland", "Virginia", "Delaware",
                             "District of Columbia"),
    ("US", "Cox Communications"): ("Arizona", "Nevada", "California", "Louisiana", "Oklahoma",
                                   "Kansas", "Virginia", "Rhode Island", "Connecticut",
                                   "Georgia", "Nebraska", "Arkansas", "Idaho", "Florida",
                                   "Iowa", "Ohio", "North Carolina"),
    ("US", "CenturyLink"): ("Arizona", "Colorado", "Washington", "Oregon", "Minnesota", "Idaho",
                            "Utah", "New Mexico", "Nevada", "Iowa", "Nebraska", "Wyoming",
                            "Montana", "North Dakota", "South Dakota", "Louisiana", "Missouri",
                            "Wisconsin", "Arkansas"),
    ("CA", "Rogers"): ("Ontario", "New Brunswick", "Newfoundland and Labrador",
                       "British Columbia", "Alberta", "Saskatchewan", "Manitoba"),
    ("CA", "Bell Canada"): ("Ontario", "Quebec", "New Brunswick", "Nova Scotia",
                            "Prince Edward Island", "Newfoundland and Labrador", "Manitoba",
                            "Northwest Territories", "Nunavut", "Yukon"),
    ("CA", "Vidéotron"): ("Quebec",),
    ("CA", "Telus"): ("British Columbia", "Alberta", "Quebec"),
    ("JP", "J:COM"): ("Tokyo", "Kanagawa", "Chiba", "Saitama", "Osaka", "Hyōgo", "Kyoto", "Nara",
                      "Fukuoka", "Kumamoto", "Hokkaido", "Miyagi", "Ibaraki", "Gunma",
                      "Yamaguchi"),
    ("IN", "ACT Fibernet"): ("Karnataka", "Telangana", "Tamil Nadu", "Andhra Pradesh", "Delhi"),
    ("BR", "Nio Fibra"): tuple(s for s in (
        "Acre", "Alagoas", "Amapá", "Amazonas", "Bahia", "Ceará", "Espírito Santo",
        "Federal District", "Goiás", "Maranhão", "Mato Grosso", "Mato Grosso do Sul",
        "Minas Gerais", "Paraná", "Paraíba", "Pará", "Pernambuco", "Piauí",
        "Rio Grande do Norte", "Rio Grande do Sul", "Rio de Janeiro", "Rondônia", "Roraima",
        "Santa Catarina", "Sergipe", "Tocantins")),
}  # fmt: skip
