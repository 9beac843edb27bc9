"""Full-text search of the archive, the same answers on SQLite (FTS5) and PostgreSQL
(tsvector and GIN).

- selector.py: `articles_search`, the entry (behind `Article.objects.search`), and `Filters`;
- results.py: the `Search` it gives, its count, ranking and pages; facets.py; thesaurus.py;
- analysis.py: text into index terms; query.py: what a reader types into a query tree;
- documents.py: an article's terms and its index row; maintenance.py: rebuild and check;
- backends/: what differs between the databases, one backend class for each;
- columns.py: facet values kept in memory; snippets.py; cache.py; signals.py.
"""
