-- A booking's spot check (MySQL/MariaDB).
-- The hotel manager's call-back spot check of a booking (C3 回访抽查): 'confirmed' or
-- 'collusive' (串通: the booking earns nothing); NULL when not checked.
ALTER TABLE bookings ADD COLUMN IF NOT EXISTS spot_check TEXT;
