-- A number drawn once per workspace. A server saves its catalog of the
-- published events beside the workspace (server::live) tagged with this
-- number, the generation and the revision it was made at, and reads it back
-- only for the same workspace: another database at the same path (a new one,
-- a copy put in its place) has another number.
INSERT INTO meta (key, value) VALUES ('identity', abs(random()));
