-- Plays with any rebuffering (%)
SELECT 100.0 * AVG(CASE WHEN stalls > 0 THEN 1 ELSE 0 END) AS value FROM played
