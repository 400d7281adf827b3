-- Sessions: one row per play attempt, with its outcome, watch time, stalls and quality.
-- One row per session (a play attempt) from the de-duplicated events: who played what, on
-- which device and network, when, and how it went. Counters are sums over the session's
-- events (each counts what happened since the previous one); the quality seconds split the
-- watch time by the quality each event reports. has_start / has_end: the session's first and
-- last events are in the lake (not cut off by its window). outcome: played (some video was
-- watched), start_failure (ended with an error before the first frame), exit_before_start
-- (left before the first frame, no error), or unfinished (no end in the lake yet).
SELECT session_id,
       arbitrary(customer_id) AS customer_id,
       arbitrary(device_id) AS device_id,
       arbitrary(device_type) AS device_type,
       arbitrary(device_os) AS device_os,
       min_by(app_version, event_timestamp) AS app_version,
       arbitrary(isp) AS isp,
       arbitrary(connection_type) AS connection_type,
       arbitrary(country) AS country,
       arbitrary(title_id) AS title_id,
       arbitrary(title_type) AS title_type,
       MIN(event_timestamp) AS started,
       MAX(event_timestamp) AS ended,
       substr(MIN(event_timestamp), 1, 13) AS start_hour,
       date_diff('millisecond',
                 CAST(replace(replace(MIN(event_timestamp), 'T', ' '), 'Z', '') AS TIMESTAMP),
                 CAST(replace(replace(MAX(event_timestamp), 'T', ' '), 'Z', '') AS TIMESTAMP)
       ) / 1e3 AS duration_seconds,
       bool_or(event_type = 'start') AS has_start,
       bool_or(event_type IN ('stop', 'complete')) AS has_end,
       bool_or(event_type = 'complete') AS completed,
       CAST(SUM(watch_duration_seconds) AS BIGINT) AS watch_seconds,
       SUM(buffering_duration_seconds) AS buffering_seconds,
       CAST(SUM(buffering_events) AS BIGINT) AS buffering_events,
       CAST(SUM(error_count) AS BIGINT) AS errors,
       CAST(SUM(CASE WHEN quality = 'SD' THEN watch_duration_seconds ELSE 0 END)
            AS BIGINT) AS sd_seconds,
       CAST(SUM(CASE WHEN quality = 'HD' THEN watch_duration_seconds ELSE 0 END)
            AS BIGINT) AS hd_seconds,
       CAST(SUM(CASE WHEN quality = '4K' THEN watch_duration_seconds ELSE 0 END)
            AS BIGINT) AS uhd_seconds,
       max_by(completion_percentage, event_timestamp) AS final_completion,
       CASE WHEN SUM(watch_duration_seconds) > 0 THEN 'played'
            WHEN NOT bool_or(event_type IN ('stop', 'complete')) THEN 'unfinished'
            WHEN SUM(error_count) > 0 THEN 'start_failure'
            ELSE 'exit_before_start' END AS outcome
FROM {database}.streaming_events_unique
GROUP BY session_id
