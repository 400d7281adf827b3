-- Sessions whose address is IPv6 (%): one start event per session
SELECT 100.0 * AVG(CASE WHEN ip_address LIKE '%:%' THEN 1 ELSE 0 END) AS value
FROM acme_telemetry.streaming_events_unique
WHERE event_type = 'start'
