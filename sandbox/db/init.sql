-- Run once, as the application user, when the database volume is first initialised.
-- Both colors of both apps read and write this table: schema changes must stay compatible with
-- the version running on the other color (expand first, contract after both colors moved).
CREATE TABLE IF NOT EXISTS orders (
  id         serial PRIMARY KEY,
  item       text NOT NULL CHECK (length(item) BETWEEN 1 AND 200),
  quantity   integer NOT NULL DEFAULT 1 CHECK (quantity BETWEEN 1 AND 1000),
  -- The writer's application_name, e.g. web-green-1.1.0: shows which color wrote a row.
  created_by text NOT NULL DEFAULT current_setting('application_name'),
  created_at timestamptz NOT NULL DEFAULT now()
);
