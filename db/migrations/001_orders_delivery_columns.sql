-- The story's "two additional columns": applied the day before the release, while the old
-- version still runs on both colors. Nullable, no default: old code neither reads nor writes
-- them, so this is an expand migration (bluegreen db lint).
ALTER TABLE orders
  ADD COLUMN delivery_address text,
  ADD COLUMN delivery_window text;
