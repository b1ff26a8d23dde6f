-- tokhai-server schema, version 6: the staff account that uploaded a scanned personal code (issue 14,
-- item 7). A scan's id is bound to that account and to its checkpoint: the same id sent by anyone else,
-- or for another checkpoint, is refused as a conflict instead of moving the visit. NULL for visits the
-- person uploaded (their `account_id` binds them) and for scans stored before this column existed.

ALTER TABLE visits ADD COLUMN scanned_by BIGINT;
