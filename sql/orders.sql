-- The sample table the default pipeline loads. Portable between H2 and PostgreSQL.
-- Run at startup when sink.jdbc.init-script points here; set that key empty to manage the schema yourself.
CREATE TABLE IF NOT EXISTS orders (
    id         BIGINT PRIMARY KEY,
    customer   VARCHAR(200) NOT NULL,
    amount     NUMERIC(12, 2),
    quantity   INTEGER,
    ordered_at TIMESTAMP WITH TIME ZONE,
    note       VARCHAR(2000),
    paid       BOOLEAN
);
