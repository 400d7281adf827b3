-- Minutes per play on TV over minutes per play on mobile
SELECT AVG(CASE WHEN device_type = 'tv' THEN watch_s END)
       / AVG(CASE WHEN device_type = 'mobile' THEN watch_s END) AS value
FROM played
