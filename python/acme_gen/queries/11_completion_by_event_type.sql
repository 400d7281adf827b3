-- Completion rates by event type
SELECT event_type,
       AVG(completion_percentage) as avg_completion,
       AVG(watch_duration_seconds) as avg_duration
FROM acme_telemetry.streaming_events
GROUP BY event_type;
