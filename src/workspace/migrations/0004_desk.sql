-- The review desk: editors' corrections of the places the geoparser found
-- in an article, and translations beside quotes.

-- One correction per mention, keyed by the article and the mention's
-- character offsets (Unicode scalar values, end exclusive).
CREATE TABLE corrections (
    article_id INTEGER NOT NULL REFERENCES articles (id),
    start_char INTEGER NOT NULL CHECK (start_char >= 0),
    end_char   INTEGER NOT NULL CHECK (end_char > start_char),
    -- The gazetteer place meant; NULL: the span names no place.
    place_id   TEXT,
    author     TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (article_id, start_char)
) STRICT;

-- A translation of the quote, kept beside it: the quote stays in the
-- article's language.
ALTER TABLE evidence ADD COLUMN translation TEXT;
