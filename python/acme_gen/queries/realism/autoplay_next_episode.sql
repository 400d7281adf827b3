-- Completed episodes followed by another start of the same viewer within 2 minutes (%):
-- auto-play's countdown, then the next episode
SELECT 100.0 * AVG(CASE WHEN EXISTS (
           SELECT 1 FROM sessions b
           WHERE b.customer_id = a.customer_id AND b.started > a.ended
             AND CAST(b.started AS TIMESTAMP) <= CAST(a.ended AS TIMESTAMP) + INTERVAL 2 MINUTE
       ) THEN 1 ELSE 0 END) AS value
FROM sessions a
WHERE a.whole AND a.completed AND a.title_type = 'series'
