-- Mean throughput of SD events over that of HD events: the ladder picks SD only when the
-- throughput is thin, so SD < HD (< 4K)
SELECT AVG(bandwidth_mbps) FILTER (WHERE quality = 'SD')
       / AVG(bandwidth_mbps) FILTER (WHERE quality = 'HD') AS value
FROM acme_telemetry.streaming_events_unique
