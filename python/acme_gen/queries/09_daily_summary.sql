-- Daily summary
SELECT day, COUNT(*) as events,
       COUNT(DISTINCT customer_id) as unique_users,
       AVG(watch_duration_seconds) as avg_watch_secs
FROM acme_telemetry.streaming_events
GROUP BY day ORDER BY day;
