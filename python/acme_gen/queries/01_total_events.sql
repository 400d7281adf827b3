-- Total events
SELECT COUNT(*) as total_events FROM acme_telemetry.streaming_events;
