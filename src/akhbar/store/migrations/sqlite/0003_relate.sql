-- Relate stage state: duplicate signatures (exact body hash over everything, MinHash for the LSH window)
-- and each story's clustering state (centroid), so a new process rebuilds its window from the store.
CREATE TABLE relate_signatures (
  article_id INTEGER PRIMARY KEY REFERENCES articles(id),
  published TEXT,
  body_hash TEXT NOT NULL,
  minhash BLOB
);
CREATE INDEX relate_signatures_hash ON relate_signatures(body_hash);
CREATE INDEX relate_signatures_published ON relate_signatures(published);

CREATE TABLE relate_stories (
  story_id INTEGER PRIMARY KEY REFERENCES stories(id),
  last_seen TEXT,
  state TEXT NOT NULL
);
CREATE INDEX relate_stories_last_seen ON relate_stories(last_seen);

-- Each article's relate profile (JSON: its weighted terms and the stories it was found closest to when it
-- arrived), the source of its similar articles and read-also.
CREATE TABLE relate_profiles (
  article_id INTEGER PRIMARY KEY REFERENCES articles(id),
  profile TEXT NOT NULL
);
