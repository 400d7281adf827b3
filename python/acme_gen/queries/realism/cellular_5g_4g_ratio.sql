-- Median throughput of 5G sessions over 4G sessions (x)
SELECT MEDIAN(CASE WHEN connection_type = '5g' AND isp <> 'T-Mobile Home Internet'
                   THEN bandwidth_mbps END)
       / MEDIAN(CASE WHEN connection_type = '4g' THEN bandwidth_mbps END) AS value
FROM acme_telemetry.streaming_events_unique
WHERE event_type <> 'start'
