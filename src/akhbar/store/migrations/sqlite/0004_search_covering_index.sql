-- Search joins the FTS matches to articles for source and date filters: a covering index lets that
-- join read (id, source_id, published) without touching the wide article rows and their texts.
CREATE INDEX articles_search_cover ON articles(id, source_id, published);
