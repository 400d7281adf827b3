-- Events by country
SELECT country, COUNT(*) as events
FROM acme_telemetry.streaming_events
GROUP BY country ORDER BY events DESC LIMIT 10;
