-- Base schema: sources, articles with versions and aliases, the FTS5 index over analyzer terms,
-- tags, stories, duplicate groups, the fetch log and per-stage state.
CREATE TABLE sources (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  home TEXT,
  feeds TEXT NOT NULL DEFAULT '[]',
  sitemaps TEXT NOT NULL DEFAULT '[]',
  language TEXT NOT NULL DEFAULT 'ar',
  country TEXT,
  poll_interval REAL NOT NULL DEFAULT 900,
  enabled INTEGER NOT NULL DEFAULT 1,
  added_at TEXT NOT NULL,
  next_poll_at TEXT,
  state TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE articles (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  source_id TEXT NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  summary TEXT,
  author TEXT,
  category TEXT,
  language TEXT,
  image TEXT,
  published TEXT,
  fetched TEXT,
  partial INTEGER NOT NULL DEFAULT 0,
  content_hash TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  story_id INTEGER,
  duplicate_group INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published DESC, id DESC);
CREATE INDEX articles_source_published ON articles(source_id, published DESC, id DESC);
CREATE INDEX articles_category_published ON articles(category, published DESC, id DESC);
CREATE INDEX articles_story ON articles(story_id);
CREATE INDEX articles_duplicate_group ON articles(duplicate_group);

CREATE TABLE article_aliases (
  external_id TEXT PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id)
);
CREATE INDEX article_aliases_article ON article_aliases(article_id);

CREATE TABLE article_versions (
  article_id INTEGER NOT NULL REFERENCES articles(id),
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  replaced_at TEXT NOT NULL,
  PRIMARY KEY (article_id, version)
);
CREATE INDEX article_versions_hash ON article_versions(article_id, content_hash);

-- The analyzer's index terms of each article; the FTS5 table below is an external-content index of it.
CREATE TABLE article_terms (
  article_id INTEGER PRIMARY KEY REFERENCES articles(id),
  title TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, body, content='article_terms', content_rowid='article_id',
  tokenize="unicode61 remove_diacritics 0"
);
CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row');

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'topic',
  article_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE article_tags (
  article_id INTEGER NOT NULL REFERENCES articles(id),
  tag_id INTEGER NOT NULL REFERENCES tags(id),
  rank INTEGER NOT NULL,
  score REAL NOT NULL,
  PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);

CREATE TABLE stories (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  first_seen TEXT,
  last_seen TEXT,
  article_count INTEGER NOT NULL DEFAULT 0,
  source_count INTEGER NOT NULL DEFAULT 0,
  central_article_id INTEGER,
  merged_into INTEGER,
  updated_at TEXT NOT NULL
);
CREATE INDEX stories_last_seen ON stories(last_seen DESC);

CREATE TABLE duplicate_groups (
  id INTEGER PRIMARY KEY,
  canonical_article_id INTEGER NOT NULL,
  size INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE fetch_log (
  id INTEGER PRIMARY KEY,
  source_id TEXT,
  url TEXT NOT NULL,
  status INTEGER,
  elapsed REAL NOT NULL,
  bytes INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  conditional INTEGER NOT NULL DEFAULT 0,
  fetched_at TEXT NOT NULL
);
CREATE INDEX fetch_log_source ON fetch_log(source_id, fetched_at DESC);

CREATE TABLE stage_state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
