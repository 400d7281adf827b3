-- One row per event_id: at-least-once delivery (a retried producer chunk, a repeated
-- EventBridge tick) can land a record twice. Copies of an event are identical and share its
-- event-hour partition, so partitioning the window by the partition columns keeps filters on
-- year/month/day/hour pruning through the view.
SELECT {columns}
FROM (
    SELECT *, row_number() OVER (PARTITION BY year, month, day, hour, event_id) AS copy_number
    FROM {database}.streaming_events
)
WHERE copy_number = 1
