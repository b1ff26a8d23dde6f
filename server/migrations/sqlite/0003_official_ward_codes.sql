-- tokhai-server schema, version 3: the official 2025 ward codes (issue 10, docs/adr/0011-official-unit-codes.md).
-- 123 wards of the 2025 list had codes that differ from the statistics office's. The pairs below are
-- core/data/units-2025-remap.tsv (old code, official code); a test checks that they agree. The codes
-- change in chains (226 -> 229 while 196 -> 226), so each column is rewritten from its old value in one
-- statement, through negative values where a key must stay unique meanwhile.
--
-- Rewritten here: checkpoints of the 2025 list, safety levels, cases and officer scopes (their codes
-- are always of the 2025 list; ward 0 of a scope means the whole province and is no code). Declarations
-- and quarantine episodes name their list only inside the sealed body: `src/units.rs` rewrites those at
-- start-up, with the key, and deletes the `pending.ward_codes_2025` row that this migration leaves.
-- The checkpoints' `updated_at` moves to now so that their signed codes and posters are issued again
-- with the official code.

CREATE TEMPORARY TABLE ward_code_changes (old_code BIGINT PRIMARY KEY, new_code BIGINT NOT NULL);
INSERT INTO ward_code_changes (old_code, new_code) VALUES
    (73, 82),
    (130, 118),
    (148, 145),
    (167, 166),
    (187, 199),
    (196, 226),
    (226, 229),
    (277, 292),
    (304, 301),
    (313, 322),
    (319, 331),
    (331, 340),
    (424, 430),
    (484, 475),
    (583, 577),
    (646, 643),
    (1537, 1561),
    (1558, 1537),
    (1561, 1558),
    (2674, 2671),
    (2791, 2782),
    (3667, 3664),
    (4318, 4309),
    (4333, 4342),
    (4591, 4606),
    (4678, 4681),
    (4936, 4930),
    (5098, 5092),
    (5794, 5788),
    (6016, 6004),
    (6193, 6211),
    (6202, 6196),
    (6214, 6124),
    (6421, 6436),
    (8035, 8038),
    (8161, 8173),
    (8215, 8218),
    (8380, 8377),
    (8461, 8467),
    (8497, 8500),
    (8749, 8746),
    (9373, 9379),
    (9376, 9370),
    (9382, 9385),
    (9793, 9787),
    (9838, 9856),
    (9859, 9871),
    (9922, 9952),
    (9928, 9910),
    (10006, 10003),
    (10009, 9982),
    (10018, 10045),
    (10084, 10072),
    (10108, 10096),
    (10141, 10126),
    (10333, 10342),
    (10510, 10507),
    (10540, 10891),
    (10672, 10837),
    (10777, 10792),
    (11341, 11329),
    (11986, 12004),
    (12052, 12073),
    (12220, 12223),
    (12478, 12583),
    (12841, 12916),
    (13285, 13318),
    (13291, 13285),
    (13318, 13291),
    (13666, 13669),
    (13735, 13708),
    (14599, 14614),
    (15115, 15106),
    (15118, 15112),
    (15718, 15715),
    (16063, 16072),
    (16207, 16222),
    (16219, 16213),
    (16994, 17011),
    (17152, 17170),
    (19165, 19138),
    (19768, 19753),
    (19786, 19789),
    (19810, 19774),
    (19864, 19858),
    (20023, 19804),
    (20152, 20137),
    (20195, 20194),
    (20224, 20305),
    (20872, 20875),
    (21862, 21859),
    (21889, 21901),
    (21898, 21880),
    (22003, 22006),
    (22066, 22060),
    (22306, 22303),
    (22408, 22411),
    (22779, 22780),
    (22858, 22861),
    (22868, 22846),
    (22885, 22900),
    (22903, 22888),
    (22910, 22909),
    (23098, 23095),
    (23737, 23938),
    (24481, 24472),
    (25264, 25252),
    (25336, 25333),
    (25453, 25450),
    (26329, 26332),
    (26794, 26800),
    (26797, 26803),
    (26812, 26809),
    (26887, 26876),
    (26899, 26898),
    (26902, 26890),
    (27010, 27019),
    (27118, 27094),
    (27160, 27154),
    (27385, 27364),
    (29752, 29740),
    (31207, 31228),
    (31212, 31207);

UPDATE checkpoints SET ward = -(SELECT new_code FROM ward_code_changes WHERE old_code = checkpoints.ward),
    updated_at = CAST(unixepoch('subsec') * 1000 AS BIGINT)
    WHERE scheme = 'v2025' AND ward IN (SELECT old_code FROM ward_code_changes);
UPDATE checkpoints SET ward = -ward WHERE ward < 0;

UPDATE safety_levels SET ward = -(SELECT new_code FROM ward_code_changes WHERE old_code = safety_levels.ward)
    WHERE ward IN (SELECT old_code FROM ward_code_changes);
UPDATE safety_levels SET ward = -ward WHERE ward < 0;

UPDATE cases SET ward = -(SELECT new_code FROM ward_code_changes WHERE old_code = cases.ward)
    WHERE ward IN (SELECT old_code FROM ward_code_changes);
UPDATE cases SET ward = -ward WHERE ward < 0;

UPDATE officer_scopes SET ward = -(SELECT new_code FROM ward_code_changes WHERE old_code = officer_scopes.ward)
    WHERE ward IN (SELECT old_code FROM ward_code_changes);
UPDATE officer_scopes SET ward = -ward WHERE ward < 0;

-- Only a database that holds declarations or episodes in those wards has anything left to rewrite.
INSERT INTO meta (key, value) SELECT 'pending.ward_codes_2025', X'31'
    WHERE EXISTS (SELECT 1 FROM declarations WHERE ward IN (SELECT old_code FROM ward_code_changes))
       OR EXISTS (SELECT 1 FROM episodes WHERE ward IN (SELECT old_code FROM ward_code_changes));

DROP TABLE ward_code_changes;
