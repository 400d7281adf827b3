-- Quality distribution with buffering stats
SELECT quality, COUNT(*) as events,
       AVG(buffering_events) as avg_buffering,
       AVG(bandwidth_mbps) as avg_bandwidth
FROM acme_telemetry.streaming_events
GROUP BY quality ORDER BY events DESC;
