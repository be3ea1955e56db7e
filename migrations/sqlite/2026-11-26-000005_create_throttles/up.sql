CREATE TABLE throttles (
    key_hash BLOB PRIMARY KEY NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits BIGINT NOT NULL
);
CREATE INDEX throttles_window_start_idx ON throttles (window_start);
