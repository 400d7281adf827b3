"""ACME telemetry: realistic, deterministic video-streaming events for the data lake.

The package is layered; arrows point down only (import-linter contracts in pyproject.toml):

    entry points   backfill/ stream delivery query validate profile lambdas/ (and __main__:
                   the `acme-gen` console script): parse input, call down, print
    adapters       lake/ (Parquet on disk/S3, Arrow, dimension tables, Glue, DuckDB views)
                   kinesis/ (JSON records, the Kinesis producer and reader)
    core/          the pure simulation: a window in, columns out (numpy; no I/O)
    contract       models (the one schema source), schema (its projections), config;
                   cli (what every command shares: one-line errors, --help)

A top-level module is either the contract or a command (`python -m acme_gen.COMMAND`).
"""

__version__ = "0.1.0"
