"""Lake adapters: Parquet on disk or S3, Arrow encoding, dimension tables, the Glue catalog,
and DuckDB views over a lake under the Athena names.

    store.py       Lake: each file complete or absent (staged rename, single PUT)
    arrow.py       EventBatch -> Arrow with the models' schema
    dimensions.py  customers, titles, campaigns as Arrow tables from the same world
    catalog.py     Glue partition registration
    manifest.py    the backfill's record of what a lake holds
    landed.py      what landed, hour by hour (telemetry files, errors/): reconcile's input
    sql.py         DuckDB connection with the lake's tables as views; the example queries
"""

from acme_gen.lake.store import Lake

__all__ = ["Lake"]
