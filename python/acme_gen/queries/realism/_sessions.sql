-- realism: the sessions of a lake (one row per session_id), for the benchmarks beside this file
sessions AS (
    SELECT session_id,
           ANY_VALUE(customer_id) AS customer_id,
           ANY_VALUE(device_id) AS device_id,
           ANY_VALUE(device_type) AS device_type,
           ANY_VALUE(title_type) AS title_type,
           ANY_VALUE(title_id) AS title_id,
           MAX(CASE WHEN event_type = 'start' THEN position_seconds END) AS start_position,
           ARG_MAX(position_seconds, event_timestamp) AS end_position,
           BOOL_OR(event_type = 'complete') AS completed,
           MIN(event_timestamp) AS started,
           MAX(event_timestamp) AS ended,
           SUM(watch_duration_seconds) AS watch_s,
           SUM(buffering_events) AS stalls,
           SUM(error_count) AS errors,
           BOOL_OR(event_type = 'start') AND BOOL_OR(event_type IN ('stop', 'complete')) AS whole
    FROM acme_telemetry.streaming_events_unique
    GROUP BY session_id
),
played AS (SELECT * FROM sessions WHERE whole AND watch_s > 0)
