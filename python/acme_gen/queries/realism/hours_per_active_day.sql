-- Hours watched per active subscriber-day (UTC days with any viewing)
SELECT AVG(s) / 3600.0 AS value
FROM (
    SELECT customer_id, substr(event_timestamp, 1, 10) AS day, SUM(watch_duration_seconds) AS s
    FROM acme_telemetry.streaming_events_unique
    GROUP BY 1, 2
    HAVING SUM(watch_duration_seconds) > 0
)
