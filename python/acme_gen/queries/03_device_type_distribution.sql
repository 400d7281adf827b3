-- Device type distribution
SELECT device_type, COUNT(*) as events,
       AVG(watch_duration_seconds) as avg_watch_duration
FROM acme_telemetry.streaming_events
GROUP BY device_type ORDER BY events DESC;
