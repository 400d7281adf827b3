-- Hourly event distribution
SELECT hour, COUNT(*) as events,
       AVG(completion_percentage) as avg_completion
FROM acme_telemetry.streaming_events
GROUP BY hour ORDER BY hour;
