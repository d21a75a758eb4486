-- Pull pages at ten million events: the feed's primary key also carries the event's position
-- (INCLUDE), so a page of a unit's feed is one range scan of this index (index-only wherever
-- autovacuum has marked the table's pages all-visible) joined to `events` by its primary key,
-- instead of a visit to the feed's heap for every row. Autovacuum visits the insert-only feed
-- after 2% new rows instead of 20%, so few pages are left unmarked on a large hub.

ALTER TABLE feed DROP CONSTRAINT feed_pkey;
ALTER TABLE feed ADD CONSTRAINT feed_pkey PRIMARY KEY (unit, pos) INCLUDE (event_pos);
ALTER TABLE feed SET (autovacuum_vacuum_insert_scale_factor = 0.02);
-- A page is a few hundred rows: never start parallel workers for it (their start alone took
-- 3.7 ms in EXPLAIN ANALYZE at a million events, when the planner chose a Gather Merge).
ALTER TABLE feed SET (parallel_workers = 0);
