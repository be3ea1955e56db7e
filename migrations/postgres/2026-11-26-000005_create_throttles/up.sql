-- Fixed-window counters that hold across instances. key_hash is a keyed hash chosen by
-- the caller (for example of a normalised address), never the address itself.
CREATE TABLE throttles (
    key_hash BYTEA NOT NULL PRIMARY KEY CHECK (octet_length(key_hash) = 32),
    window_start TIMESTAMP(6) NOT NULL,
    hits BIGINT NOT NULL
);
CREATE INDEX throttles_window_start_idx ON throttles (window_start);
