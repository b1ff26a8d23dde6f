//! Contact tracing as plain functions over values: overlap with a buffer, accumulation of contacts, CSV
//! cells that spreadsheets cannot execute. The officer routes do the reading.
//!
//! The store sums the overlaps of each (person met, checkpoint) in the database
//! (`SyncStore::overlap_contacts`), with the formulas of `overlap_ms` and `contact_start` below; the store
//! conformance suite checks its sums against these functions.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::store::{ContactPart, Millis};

/// How much two stays overlap, in milliseconds, when the first is widened by `buffer` on both sides,
/// counting nothing after `now` (a stay still open ends, for tracing, at its assumed end, which may lie
/// in the future).
pub fn overlap_ms(
    a_in: Millis,
    a_end: Millis,
    b_in: Millis,
    b_end: Millis,
    buffer: Millis,
    now: Millis,
) -> Millis {
    let start = contact_start(a_in, b_in, buffer);
    let end = (a_end + buffer).min(b_end).min(now);
    (end - start).max(0)
}

/// When the contact between two overlapping stays begins: the later of the first's arrival − `buffer`
/// and the second's arrival.
pub fn contact_start(a_in: Millis, b_in: Millis, buffer: Millis) -> Millis {
    (a_in - buffer).max(b_in)
}

/// What is known of one contact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ContactAcc {
    /// Total overlap.
    pub overlap_ms: Millis,
    /// Where they met.
    pub checkpoints: BTreeSet<i64>,
    /// Earliest moment of contact.
    pub first_contact: Millis,
}

/// Adds the store's per-checkpoint sums to the contacts in `acc`; people in `exclude` (the case, or the
/// F1s when collecting F2s) and empty overlaps are left out.
pub(crate) fn accumulate(
    acc: &mut HashMap<Vec<u8>, ContactAcc>,
    parts: &[ContactPart],
    exclude: &HashSet<Vec<u8>>,
) {
    for p in parts {
        if p.overlap_ms <= 0 || exclude.contains(&p.subject) {
            continue;
        }
        let c = acc.entry(p.subject.clone()).or_insert_with(|| ContactAcc {
            first_contact: p.first_contact,
            ..Default::default()
        });
        c.overlap_ms += p.overlap_ms;
        c.checkpoints.insert(p.checkpoint_id);
        c.first_contact = c.first_contact.min(p.first_contact);
    }
}

/// A CSV cell: quoted when needed, and neutralised (prefixed with `'`) when a spreadsheet would read it
/// as a formula — cells starting with `=`, `+`, `-`, `@`, tab or carriage return.
pub fn csv_cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One CSV line.
pub(crate) fn csv_line(cells: &[String]) -> String {
    let mut line = cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_edges() {
        let late = 1_000;
        assert_eq!(overlap_ms(0, 10, 10, 20, 0, late), 0);
        assert_eq!(overlap_ms(0, 10, 5, 20, 0, late), 5);
        assert_eq!(overlap_ms(0, 10, 12, 20, 5, late), 3);
        assert_eq!(overlap_ms(10, 20, 0, 30, 0, late), 10);
        assert_eq!(overlap_ms(0, 10, 30, 40, 5, late), 0);
        // Nothing counts after now: two open stays assumed to last until 100, traced at 40.
        assert_eq!(overlap_ms(0, 100, 10, 100, 0, 40), 30);
        assert_eq!(overlap_ms(0, 100, 50, 100, 0, 40), 0);
        assert_eq!(contact_start(100, 50, 20), 80);
        assert_eq!(contact_start(100, 90, 20), 90);
    }

    fn part(subject: u8, cp: i64, ms: Millis, first: Millis) -> ContactPart {
        ContactPart {
            subject: vec![subject],
            checkpoint_id: cp,
            overlap_ms: ms,
            first_contact: first,
        }
    }

    #[test]
    fn accumulate_sums_per_person_and_leaves_out_the_excluded() {
        let parts = vec![
            part(1, 100, 1_000, 2_000),
            part(1, 200, 500, 1_500),
            part(2, 100, 700, 4_000),
            part(9, 100, 4_000, 1_000), // the case itself
            part(3, 100, 0, 1_000),     // no overlap
        ];
        let exclude: HashSet<Vec<u8>> = [vec![9]].into_iter().collect();
        let mut acc = HashMap::new();
        accumulate(&mut acc, &parts, &exclude);
        assert_eq!(acc.len(), 2);
        let one = &acc[&vec![1]];
        assert_eq!(one.overlap_ms, 1_500);
        assert_eq!(one.first_contact, 1_500);
        assert_eq!(one.checkpoints, [100, 200].into_iter().collect());
        assert_eq!(acc[&vec![2]].overlap_ms, 700);
        // A second round adds to what is known.
        accumulate(&mut acc, &[part(2, 300, 300, 3_000)], &exclude);
        let two = &acc[&vec![2]];
        assert_eq!((two.overlap_ms, two.first_contact), (1_000, 3_000));
    }

    #[test]
    fn csv_cells_cannot_be_formulas() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        for bad in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_cell(bad).trim_start_matches('"').starts_with('\''), "{bad}");
        }
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_line(&["a".into(), "b,c".into()]), "a,\"b,c\"\r\n");
    }
}
