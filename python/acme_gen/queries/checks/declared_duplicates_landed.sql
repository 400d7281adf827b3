-- validate: declared duplicates that did land twice (their effect, expected)
SELECT COUNT(*) FROM (
    SELECT event_id FROM events
    WHERE event_id IN (SELECT event_id FROM declared WHERE fault = 'duplicate')
    GROUP BY 1
    HAVING COUNT(*) > 1
)
