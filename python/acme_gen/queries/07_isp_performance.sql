-- ISP performance
SELECT isp, AVG(bandwidth_mbps) as avg_bandwidth,
       AVG(buffering_events) as avg_buffering
FROM acme_telemetry.streaming_events
GROUP BY isp ORDER BY avg_bandwidth DESC;
