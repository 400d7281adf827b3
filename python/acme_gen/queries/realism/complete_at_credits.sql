-- Where complete fires, as a share of the runtime (median %): at the credits, 90-97%
SELECT MEDIAN(completion_percentage) AS value
FROM acme_telemetry.streaming_events_unique
WHERE event_type = 'complete'
