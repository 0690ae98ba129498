-- Which MediaWiki revisions have been imported (per source wiki), so an import can be run again
-- or resumed and changes nothing it has already done.
CREATE TABLE wiki_import_revisions (
    source TEXT NOT NULL,
    mw_revision_id BIGINT NOT NULL,
    mw_page_id BIGINT NOT NULL,
    page_id BIGINT NOT NULL REFERENCES wiki_pages(id),
    revision_id BIGINT NOT NULL REFERENCES wiki_revisions(id),
    PRIMARY KEY (source, mw_revision_id)
);
CREATE INDEX wiki_import_pages ON wiki_import_revisions (source, mw_page_id);
