-- validate: event_ids that landed more than once, apart from the declared duplicates
SELECT event_id, COUNT(*) AS copies, MIN(n.name) AS first_file
FROM events
JOIN file_names n USING (file)
WHERE event_id NOT IN (SELECT event_id FROM declared WHERE fault = 'duplicate')
GROUP BY event_id
HAVING COUNT(*) > 1
ORDER BY event_id
