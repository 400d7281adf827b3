-- A film's mean runtime (minutes): released films averaged 106 minutes in 1999-2018
SELECT AVG(runtime_seconds) / 60.0 AS value
FROM acme_telemetry.titles
WHERE title_type = 'movie'
