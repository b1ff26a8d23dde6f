-- 0004: the official 2025 ward codes (issue 10, docs/adr/0011-official-unit-codes.md). No schema change:
-- 123 wards of the 2025 list had codes that differ from the statistics office's, and the codes inside
-- sealed bodies can only be rewritten with the key. This row asks `store/remap.rs` to do it, once, in
-- the transaction that opens the store; it deletes the row in the same commit. A new store (schema.sql)
-- never has it.

INSERT INTO meta (name, value) VALUES ('pending.ward_codes_2025', 1);
