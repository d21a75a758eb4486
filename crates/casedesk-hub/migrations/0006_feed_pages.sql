-- Pull pages at ten million events: an index of a unit's feed that also holds the event's
-- position, so a page reads the feed by one range scan of this index (covering) and `events` by
-- its primary key, instead of a visit to the feed table for every row. It replaces
-- feed_unit_pos (a prefix of it).

CREATE INDEX feed_page ON feed (unit, pos, event_pos);
DROP INDEX feed_unit_pos;
