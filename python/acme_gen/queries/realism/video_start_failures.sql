-- Video-start failures: attempts that ended with an error before any playback (%)
SELECT 100.0 * AVG(CASE WHEN watch_s = 0 AND errors > 0 THEN 1 ELSE 0 END) AS value
FROM sessions WHERE whole
