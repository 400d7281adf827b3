"""Curated geography and network vocabularies.

Hand-kept rather than drawn from mimesis because the columns must agree with each other: a
city lies in its state and time zone, an ISP serves its country. Weights are rough subscriber
shares (population-weighted within a country); they shape the data, not any real company.
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


class Carrier(NamedTuple):
    country: str
    name: str
    share_5g: float  # share of its sessions on 5G rather than 4G
    weight: float


# Country subscriber shares, loosely after a global SVOD footprint (North America largest).
COUNTRY_WEIGHTS: dict[str, float] = {
    "US": 0.42, "CA": 0.05, "GB": 0.08, "DE": 0.06, "FR": 0.05, "ES": 0.03,
    "BR": 0.07, "MX": 0.06, "IN": 0.07, "JP": 0.04, "AU": 0.04, "KR": 0.03,
}  # fmt: skip

# Locale of customer names per country (mimesis locales).
NAME_LOCALES: dict[str, str] = {
    "US": "en", "CA": "en-ca", "GB": "en-gb", "DE": "de", "FR": "fr", "ES": "es",
    "BR": "pt-br", "MX": "es-mx", "IN": "en", "JP": "en", "AU": "en-au", "KR": "en",
}  # fmt: skip

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
    Isp("US", "Comcast Xfinity", "cable", 30), Isp("US", "Charter Spectrum", "cable", 28),
    Isp("US", "AT&T Fiber", "fiber", 14), Isp("US", "Verizon Fios", "fiber", 7),
    Isp("US", "Cox Communications", "cable", 6), Isp("US", "CenturyLink", "dsl", 4),
    Isp("US", "T-Mobile Home Internet", "5g", 6), Isp("US", "Starlink", "satellite", 2),
    Isp("CA", "Rogers", "cable", 30), Isp("CA", "Bell Canada", "fiber", 35),
    Isp("CA", "Shaw", "cable", 20), Isp("CA", "Telus", "dsl", 15),
    Isp("GB", "BT", "fiber", 33), Isp("GB", "Sky Broadband", "dsl", 23),
    Isp("GB", "Virgin Media", "cable", 20), Isp("GB", "TalkTalk", "dsl", 12),
    Isp("DE", "Deutsche Telekom", "dsl", 38), Isp("DE", "Vodafone Kabel", "cable", 30),
    Isp("DE", "1&1", "dsl", 17), Isp("DE", "O2 Germany", "dsl", 15),
    Isp("FR", "Orange", "fiber", 40), Isp("FR", "Free", "fiber", 24),
    Isp("FR", "SFR", "cable", 22), Isp("FR", "Bouygues Telecom", "fiber", 14),
    Isp("ES", "Movistar", "fiber", 40), Isp("ES", "Vodafone Spain", "fiber", 22),
    Isp("ES", "Orange Spain", "fiber", 28), Isp("ES", "Digi", "fiber", 10),
    Isp("BR", "Claro NET", "cable", 30), Isp("BR", "Vivo Fibra", "fiber", 28),
    Isp("BR", "Oi Fibra", "fiber", 18), Isp("BR", "TIM Live", "fiber", 24),
    Isp("MX", "Telmex Infinitum", "dsl", 45), Isp("MX", "Totalplay", "fiber", 25),
    Isp("MX", "izzi", "cable", 30),
    Isp("IN", "Jio Fiber", "fiber", 40), Isp("IN", "Airtel Xstream", "fiber", 35),
    Isp("IN", "ACT Fibernet", "fiber", 15), Isp("IN", "BSNL", "dsl", 10),
    Isp("JP", "NTT Flet's", "fiber", 45), Isp("JP", "KDDI au Hikari", "fiber", 25),
    Isp("JP", "SoftBank Hikari", "fiber", 20), Isp("JP", "J:COM", "cable", 10),
    Isp("AU", "Telstra", "fiber", 40), Isp("AU", "Optus", "fiber", 20),
    Isp("AU", "TPG", "dsl", 25), Isp("AU", "Starlink", "satellite", 5),
    Isp("AU", "Aussie Broadband", "fiber", 10),
    Isp("KR", "KT", "fiber", 41), Isp("KR", "SK Broadband", "fiber", 29),
    Isp("KR", "LG U+", "fiber", 30),
)  # fmt: skip

CARRIERS: tuple[Carrier, ...] = (
    Carrier("US", "Verizon Wireless", 0.5, 35), Carrier("US", "AT&T Mobility", 0.5, 35),
    Carrier("US", "T-Mobile US", 0.65, 30),
    Carrier("CA", "Rogers Wireless", 0.4, 35), Carrier("CA", "Bell Mobility", 0.4, 35),
    Carrier("CA", "Telus Mobility", 0.4, 30),
    Carrier("GB", "EE", 0.45, 35), Carrier("GB", "Vodafone UK", 0.35, 25),
    Carrier("GB", "O2 UK", 0.35, 25), Carrier("GB", "Three UK", 0.4, 15),
    Carrier("DE", "Telekom Mobil", 0.4, 40), Carrier("DE", "Vodafone DE Mobil", 0.35, 30),
    Carrier("DE", "O2 Mobil", 0.3, 30),
    Carrier("FR", "Orange Mobile", 0.4, 40), Carrier("FR", "SFR Mobile", 0.35, 25),
    Carrier("FR", "Free Mobile", 0.35, 20), Carrier("FR", "Bouygues Mobile", 0.35, 15),
    Carrier("ES", "Movistar Movil", 0.35, 40), Carrier("ES", "Vodafone ES Movil", 0.3, 30),
    Carrier("ES", "Orange ES Movil", 0.3, 30),
    Carrier("BR", "Vivo", 0.25, 35), Carrier("BR", "Claro", 0.25, 35),
    Carrier("BR", "TIM Brasil", 0.25, 30),
    Carrier("MX", "Telcel", 0.15, 65), Carrier("MX", "AT&T Mexico", 0.15, 35),
    Carrier("IN", "Jio", 0.4, 45), Carrier("IN", "Airtel", 0.4, 40),
    Carrier("IN", "Vi", 0.1, 15),
    Carrier("JP", "NTT Docomo", 0.4, 40), Carrier("JP", "au by KDDI", 0.4, 30),
    Carrier("JP", "SoftBank Mobile", 0.4, 30),
    Carrier("AU", "Telstra Mobile", 0.45, 45), Carrier("AU", "Optus Mobile", 0.35, 30),
    Carrier("AU", "Vodafone AU", 0.3, 25),
    Carrier("KR", "SK Telecom", 0.6, 45), Carrier("KR", "KT Mobile", 0.6, 30),
    Carrier("KR", "LG U+ Mobile", 0.6, 25),
)  # fmt: skip
