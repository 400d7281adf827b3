-- Series' share of viewing hours (%)
SELECT 100.0 * SUM(CASE WHEN title_type = 'series' THEN watch_duration_seconds ELSE 0 END)
       / SUM(watch_duration_seconds) AS value
FROM acme_telemetry.streaming_events_unique
