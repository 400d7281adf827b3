-- Single partition query (efficient)
SELECT event_type, COUNT(*) as count
FROM acme_telemetry.streaming_events
WHERE year='2026' AND month='01' AND day='15'
GROUP BY event_type;
