-- Median throughput of sessions on Starlink (low-orbit satellite), Mbit/s
SELECT MEDIAN(bandwidth_mbps) AS value
FROM acme_telemetry.streaming_events_unique
WHERE isp = 'Starlink' AND event_type <> 'start'
