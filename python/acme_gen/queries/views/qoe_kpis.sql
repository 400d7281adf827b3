-- QoE KPIs per dimension value, over the lake and hour by hour (defined in the README).
-- The QoE KPIs (definitions in the README, after Conviva's metric dictionary and the CTA
-- QoE work), per dimension value: over the whole lake (hour 'all') and per start hour (UTC,
-- 'YYYY-MM-DDTHH'). Attempts are sessions whose start and end are both in the lake; a
-- session counts in the hour it started. Mean concurrent plays: session time over the
-- lake's span (from its first start to its last end) or over the hour.
SELECT k.dimension, k.value, k.hour, k.attempts, k.plays,
       100e0 * k.start_failures / k.attempts AS vsf_pct,
       100e0 * k.exits_before_start / k.attempts AS ebvs_pct,
       100e0 * k.buffering_seconds / NULLIF(k.buffering_seconds + k.watch_seconds, 0)
           AS rebuffering_ratio_pct,
       k.watch_seconds / 60e0 / NULLIF(k.plays, 0) AS minutes_per_play,
       100e0 * k.completed / NULLIF(k.plays, 0) AS completion_pct,
       k.viewers,
       CAST(k.plays AS DOUBLE) / NULLIF(k.viewers, 0) AS plays_per_viewer,
       c.peak AS peak_concurrent_plays,
       k.session_seconds / (CASE WHEN k.hour <> 'all' THEN 3600e0 ELSE GREATEST(1e0,
           date_diff('millisecond',
               CAST(replace(replace(MIN(k.first_start) OVER (), 'T', ' '), 'Z', '') AS TIMESTAMP),
               CAST(replace(replace(MAX(k.last_end) OVER (), 'T', ' '), 'Z', '') AS TIMESTAMP))
           / 1e3) END) AS mean_concurrent_plays,
       100e0 * k.sd_seconds / NULLIF(k.watch_seconds, 0) AS sd_pct,
       100e0 * k.hd_seconds / NULLIF(k.watch_seconds, 0) AS hd_pct,
       100e0 * k.uhd_seconds / NULLIF(k.watch_seconds, 0) AS uhd_pct
FROM (
    SELECT dimension, value, COALESCE(start_hour, 'all') AS hour,
           COUNT(*) AS attempts,
           COUNT(CASE WHEN outcome = 'played' THEN 1 END) AS plays,
           COUNT(CASE WHEN outcome = 'start_failure' THEN 1 END) AS start_failures,
           COUNT(CASE WHEN outcome = 'exit_before_start' THEN 1 END) AS exits_before_start,
           COUNT(CASE WHEN outcome = 'played' AND completed THEN 1 END) AS completed,
           COUNT(DISTINCT CASE WHEN outcome = 'played' THEN customer_id END) AS viewers,
           SUM(watch_seconds) AS watch_seconds,
           SUM(buffering_seconds) AS buffering_seconds,
           SUM(duration_seconds) AS session_seconds,
           MIN(started) AS first_start,
           MAX(ended) AS last_end,
           SUM(sd_seconds) AS sd_seconds,
           SUM(hd_seconds) AS hd_seconds,
           SUM(uhd_seconds) AS uhd_seconds
    FROM {database}.session_dimensions
    WHERE has_start AND has_end
    GROUP BY GROUPING SETS ((dimension, value), (dimension, value, start_hour))
) AS k
LEFT JOIN (
    SELECT dimension, value, COALESCE(minute_hour, 'all') AS hour, MAX(plays) AS peak
    FROM (SELECT dimension, value, substr(minute, 1, 13) AS minute_hour, plays
          FROM {database}.concurrent_plays) AS per_minute
    GROUP BY GROUPING SETS ((dimension, value), (dimension, value, minute_hour))
) AS c ON c.dimension = k.dimension AND c.value = k.value AND c.hour = k.hour
