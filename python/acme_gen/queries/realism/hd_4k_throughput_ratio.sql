-- Mean throughput of HD events over that of 4K events: 4K needs the most (HD < 4K)
SELECT AVG(bandwidth_mbps) FILTER (WHERE quality = 'HD')
       / AVG(bandwidth_mbps) FILTER (WHERE quality = '4K') AS value
FROM acme_telemetry.streaming_events_unique
