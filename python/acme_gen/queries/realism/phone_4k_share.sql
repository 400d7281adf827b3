-- Phone events in 4K (%): phones stream at most HD
SELECT 100.0 * AVG(CAST(quality = '4K' AS INTEGER)) AS value
FROM acme_telemetry.streaming_events_unique
WHERE device_type = 'mobile'
