-- Browser events in 4K (%): few browsers can play 4K at all
SELECT 100.0 * AVG(CAST(quality = '4K' AS INTEGER)) AS value
FROM acme_telemetry.streaming_events_unique
WHERE device_type = 'web'
