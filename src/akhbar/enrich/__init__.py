"""Enrich: keyword tags with entity types, language and category of every article.

`Tagger` (tags.py) ranks an article's phrases and entities against the corpus statistics
(`CorpusStats`, stats.py) and a general Arabic word-frequency prior (vocab.py); `detect_language`
(language.py) and `categorize` (category.py) fill the other two fields; `EnrichStage` (stage.py)
runs all three in the pipeline.
"""
