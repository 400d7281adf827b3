-- Plays (sessions with two events or more) whose quality changes along the way (%): the
-- ABR ladder follows the throughput as it moves
SELECT 100.0 * AVG(CAST(qualities > 1 AS INTEGER)) AS value
FROM (
    SELECT session_id, COUNT(DISTINCT quality) AS qualities, COUNT(*) AS events
    FROM acme_telemetry.streaming_events_unique
    GROUP BY session_id
)
WHERE events >= 2
