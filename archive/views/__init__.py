"""The reader's pages, one module per kind of page; each view stays thin over the search
(archive.search) and the models' QuerySet methods."""
