-- Fixed-window counters that hold across instances. key_hash is a keyed hash chosen by
-- the caller (for example of a normalised address), never the address itself.
CREATE TABLE throttles (
    key_hash BINARY(32) NOT NULL,
    window_start DATETIME(6) NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (key_hash),
    KEY throttles_window_start_idx (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
