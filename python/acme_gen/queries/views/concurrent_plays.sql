-- Concurrent plays: the sessions running in each minute, per dimension value.
-- Sessions running in each minute (UTC, 'YYYY-MM-DDTHH:MM'), per dimension value: a session
-- counts in every minute from the one it starts in to the one it ends in. Only minutes in
-- which some session starts or ends are listed; the count holds until the next listed one.
SELECT dimension, value, minute,
       CAST(SUM(starts) OVER (PARTITION BY dimension, value ORDER BY minute
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
       - SUM(ends) OVER (PARTITION BY dimension, value ORDER BY minute
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
       + ends AS BIGINT) AS plays
FROM (
    SELECT dimension, value, minute, SUM(starts) AS starts, SUM(ends) AS ends
    FROM (
        SELECT dimension, value,
               substr(CASE WHEN e.starts = 1 THEN started ELSE ended END, 1, 16) AS minute,
               e.starts, e.ends
        FROM {database}.session_dimensions
        CROSS JOIN (VALUES (1, 0), (0, 1)) AS e (starts, ends)
    ) AS edges
    GROUP BY dimension, value, minute
) AS per_minute
