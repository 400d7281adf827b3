-- Starts part-way into a title that continue where the same viewer last stopped it, within
-- 60 s (% of mid-title starts): continue-watching
, previous AS (
    SELECT start_position,
           LAG(end_position) OVER (PARTITION BY customer_id, title_id ORDER BY started)
               AS last_stop
    FROM sessions
)
SELECT 100.0 * AVG(CASE WHEN ABS(start_position - last_stop) <= 60 THEN 1 ELSE 0 END) AS value
FROM previous
WHERE start_position > 0
