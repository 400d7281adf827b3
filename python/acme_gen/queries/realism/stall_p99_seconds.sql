-- The 99th percentile of a stall's length (seconds): heavy-tailed, 10-60 s stalls exist
SELECT QUANTILE_CONT(buffering_duration_seconds / buffering_events, 0.99) AS value
FROM acme_telemetry.streaming_events_unique
WHERE buffering_events > 0
