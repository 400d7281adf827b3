-- The most common watch time's share of plays (%): no value is machine-made
SELECT 100.0 * MAX(n) / SUM(n) AS value
FROM (SELECT watch_s, COUNT(*) AS n FROM played GROUP BY 1)
