-- Median episode length, comedy / drama shows (x): the half-hour comedy against the hour drama
SELECT MEDIAN(runtime_seconds) FILTER (WHERE genre = 'Comedy')
       / MEDIAN(runtime_seconds) FILTER (WHERE genre = 'Drama') AS value
FROM acme_telemetry.titles
WHERE title_type = 'series'
