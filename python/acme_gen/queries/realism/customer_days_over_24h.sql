-- Customer-days (UTC) with more than 24 hours watched
SELECT COUNT(*) AS value
FROM (
    SELECT customer_id, substr(event_timestamp, 1, 10) AS day, SUM(watch_duration_seconds) AS s
    FROM acme_telemetry.streaming_events_unique
    GROUP BY 1, 2
)
WHERE s > 86400
