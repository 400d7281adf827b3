-- Rebuffering ratio: stalled time as a share of watch time (%)
SELECT 100.0 * SUM(buffering_duration_seconds) / SUM(watch_duration_seconds) AS value
FROM acme_telemetry.streaming_events_unique
