"""python -m acme_gen.profile: a one-page HTML profile of a lake.

queries.py  what the page shows: a SQL query per section, and how to draw it
charts.py   the charts (inline SVG from matplotlib), drawn to read well on a demo screen
page.py     the command, and the page: tiles, tables, charts, the SQL under each
"""

from acme_gen.profile.page import main, render
from acme_gen.profile.queries import KPI_TILES, PROFILE_QUERIES, ProfileQuery, run_queries

__all__ = ["KPI_TILES", "PROFILE_QUERIES", "ProfileQuery", "main", "render", "run_queries"]
