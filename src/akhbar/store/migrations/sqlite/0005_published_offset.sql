-- The outlet's own UTC offset (minutes east of UTC) with the published moment, so a page can show
-- the local time the outlet printed; NULL where the page gave none.
ALTER TABLE articles ADD COLUMN published_offset INTEGER;
