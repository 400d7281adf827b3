-- Top customers by watch time
SELECT customer_id,
       SUM(watch_duration_seconds) as total_watch_time,
       COUNT(*) as sessions
FROM acme_telemetry.streaming_events
GROUP BY customer_id
ORDER BY total_watch_time DESC LIMIT 10;
