-- tokhai-server schema, version 5: who on the uploading device checked in (the device's person id, as in
-- `declarations.person_id`). Tracing names a contact from this person's newest declaration, not from
-- whichever declaration of the account is newest (a parent's visit was listed under the name of the child
-- declared on the same phone). NULL for staff scans and for visits uploaded before this column existed.

ALTER TABLE visits ADD COLUMN person_id BLOB;
