-- The 99th percentile of a pause's length (minutes: from a pause to the session's next
-- event, a resume or a stop): heavy-tailed, up to hours
SELECT QUANTILE_CONT(next_ms - ms, 0.99) / 60000.0 AS value
FROM (
    SELECT event_type,
           epoch_ms(strptime(event_timestamp, '%Y-%m-%dT%H:%M:%S.%gZ')) AS ms,
           LEAD(epoch_ms(strptime(event_timestamp, '%Y-%m-%dT%H:%M:%S.%gZ')))
               OVER (PARTITION BY session_id ORDER BY event_timestamp, event_id) AS next_ms
    FROM acme_telemetry.streaming_events_unique
)
WHERE event_type = 'pause' AND next_ms IS NOT NULL
