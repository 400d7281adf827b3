-- validate: events that break their session's state machine (a transition not in
-- allowed_transitions) or its physics: watch time and stalls since the previous event that
-- do not fit the wall time since it, anything gained while paused, a playhead outside the
-- title (it may seek back, but not before 0 or past the end), or a complete anywhere but
-- at the title's credits. Sessions with a declared
-- drop or malformed event have a gap and are not checked; a declared duplicate is checked
-- once.
WITH unique_events AS (
    SELECT * FROM events
    WHERE session_id NOT IN (SELECT session_id FROM declared WHERE fault IN ('drop', 'malformed'))
    QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY file) = 1
),
s AS (
    SELECT *,
           LAG(event_type) OVER w AS prev_type,
           LAG(position_seconds) OVER w AS prev_position,
           epoch_ms(strptime(event_timestamp, '%Y-%m-%dT%H:%M:%S.%gZ'))
             - LAG(epoch_ms(strptime(event_timestamp, '%Y-%m-%dT%H:%M:%S.%gZ'))) OVER w
             AS wall_ms
    FROM unique_events
    WINDOW w AS (PARTITION BY session_id ORDER BY event_timestamp, event_id)
)
SELECT n.name, session_id, event_id, prev_type, event_type
FROM s
JOIN file_names n USING (file)
WHERE (prev_type IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM allowed_transitions a
                       WHERE a.prev_type = s.prev_type AND a.event_type = s.event_type))
   OR watch_duration_seconds < 0
   OR (event_type = 'start' AND watch_duration_seconds + buffering_duration_seconds > 0)
   OR 1000 * (watch_duration_seconds + buffering_duration_seconds) > wall_ms + 1
   OR (prev_type = 'pause' AND watch_duration_seconds + buffering_duration_seconds > 0)
   OR position_seconds < 0
   OR position_seconds > (SELECT runtime_seconds FROM titles t WHERE t.title_id = s.title_id)
   OR (event_type = 'complete'
       AND position_seconds
           != (SELECT credits_start_seconds FROM titles t WHERE t.title_id = s.title_id))
ORDER BY 1, 2, 3
