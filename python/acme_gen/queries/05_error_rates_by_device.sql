-- Error rates by device
SELECT device_type,
       SUM(error_count) as total_errors,
       AVG(error_count) as avg_errors_per_session
FROM acme_telemetry.streaming_events
GROUP BY device_type;
