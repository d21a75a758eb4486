-- Search by words of one or two characters without scanning (version 6): every character of a
-- case's text is a token of `case_chars` (the text is stored with a space between characters),
-- so 羊 is a one-token query and 手机 a two-token phrase. Longer words keep using the trigram
-- index `case_fts`. The projections are rebuilt to fill it.

CREATE VIRTUAL TABLE case_chars USING fts5 (
    text,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);

INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuild_projections', '1');
