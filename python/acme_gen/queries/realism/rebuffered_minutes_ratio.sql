-- Minutes per play of rebuffered plays over those of clean plays
SELECT AVG(CASE WHEN stalls > 0 THEN watch_s END) / AVG(CASE WHEN stalls = 0 THEN watch_s END)
       AS value
FROM played
