//! Contact tracing as plain functions over values: overlap with a buffer, accumulation of contacts, CSV
//! cells that spreadsheets cannot execute. The officer routes do the reading.
//!
//! The store finds the contact intervals in the database (`SyncStore::overlap_contacts`, one per
//! overlapping pair of stays), with the formulas of `overlap_ms` and `contact_start` below; the store
//! conformance suite checks them against these functions. `accumulate` merges each person's intervals
//! before adding them up: time covered twice (the same stay uploaded a hundred times, two overlapping
//! stays of the case, two rooms of a building at once) counts once.

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
    /// Total time in contact: the length of the union of the intervals.
    pub overlap_ms: Millis,
    /// Where they met.
    pub checkpoints: BTreeSet<i64>,
    /// Earliest moment of contact.
    pub first_contact: Millis,
    /// The contact intervals, merged: sorted, disjoint, not touching.
    intervals: Vec<(Millis, Millis)>,
}

impl ContactAcc {
    /// Adds `[start, end)` to the merged intervals and updates the total.
    fn add(&mut self, start: Millis, end: Millis) {
        // In order of start (as `accumulate` adds them): join the last interval or follow it.
        if let Some(last) = self.intervals.last_mut()
            && start >= last.0
        {
            if start <= last.1 {
                let grown = end.max(last.1) - last.1;
                last.1 += grown;
                self.overlap_ms += grown;
            } else {
                self.intervals.push((start, end));
                self.overlap_ms += end - start;
            }
            return;
        }
        self.intervals.push((start, end));
        self.intervals.sort_unstable();
        let mut merged: Vec<(Millis, Millis)> = Vec::with_capacity(self.intervals.len());
        for &(s, e) in &self.intervals {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        self.overlap_ms = merged.iter().map(|(s, e)| e - s).sum();
        self.intervals = merged;
    }
}

/// Adds the store's contact intervals to the contacts in `acc`, merging each person's intervals (time
/// covered by several counts once); people in `exclude` (the case, or the F1s when collecting F2s) and
/// empty intervals are left out.
pub(crate) fn accumulate(
    acc: &mut HashMap<Vec<u8>, ContactAcc>,
    parts: &[ContactPart],
    exclude: &HashSet<Vec<u8>>,
) {
    let mut sorted: Vec<&ContactPart> = parts
        .iter()
        .filter(|p| p.overlap_ms > 0 && !exclude.contains(&p.subject))
        .collect();
    // Per person in order of start, so that merging is one pass per person.
    sorted.sort_by(|a, b| (&a.subject, a.first_contact).cmp(&(&b.subject, b.first_contact)));
    for p in sorted {
        let c = acc.entry(p.subject.clone()).or_insert_with(|| ContactAcc {
            first_contact: p.first_contact,
            ..Default::default()
        });
        c.add(p.first_contact, p.first_contact + p.overlap_ms);
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
    fn overlapping_intervals_of_one_person_count_once() {
        // The same 10-minute stay a hundred times, and a second stay overlapping half of it.
        let mut parts: Vec<ContactPart> = (0..100).map(|_| part(1, 100, 600_000, 1_000_000)).collect();
        parts.push(part(1, 200, 600_000, 1_300_000));
        parts.push(part(2, 100, 600_000, 1_000_000));
        let mut acc = HashMap::new();
        accumulate(&mut acc, &parts, &HashSet::new());
        assert_eq!(acc[&vec![1]].overlap_ms, 900_000);
        assert_eq!(acc[&vec![1]].first_contact, 1_000_000);
        assert_eq!(acc[&vec![2]].overlap_ms, 600_000);
        // Touching intervals join; a later round merges with what is known.
        accumulate(&mut acc, &[part(1, 100, 100_000, 1_900_000)], &HashSet::new());
        assert_eq!(acc[&vec![1]].overlap_ms, 1_000_000);
        assert_eq!(acc[&vec![1]].intervals, [(1_000_000, 2_000_000)]);
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
