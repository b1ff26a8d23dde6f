//! Contact tracing as plain functions over visits: overlap with a buffer, F1 accumulation, CSV cells that
//! spreadsheets cannot execute. The officer routes do the reading; this file does the arithmetic.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::store::{Millis, VisitRow};

/// How much two stays overlap, in milliseconds, when the first is widened by `buffer` on both sides.
pub fn overlap_ms(a_in: Millis, a_end: Millis, b_in: Millis, b_end: Millis, buffer: Millis) -> Millis {
    let start = (a_in - buffer).max(b_in);
    let end = (a_end + buffer).min(b_end);
    (end - start).max(0)
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

/// Adds one overlap to `acc`: `other` (someone else's visit at the same place) against `index`, widened
/// by `buffer`; ignored when it does not overlap or its visitor is `exclude`d.
pub(crate) fn accumulate_pair(
    acc: &mut HashMap<Vec<u8>, ContactAcc>,
    index: &VisitRow,
    other: &VisitRow,
    buffer: Millis,
    exclude: &HashSet<Vec<u8>>,
) {
    if exclude.contains(&other.subject) || other.id == index.id {
        return;
    }
    let ms = overlap_ms(
        index.checked_in_at,
        index.ends_at,
        other.checked_in_at,
        other.ends_at,
        buffer,
    );
    if ms == 0 {
        return;
    }
    let start = (index.checked_in_at - buffer).max(other.checked_in_at);
    let c = acc.entry(other.subject.clone()).or_insert_with(|| ContactAcc {
        first_contact: start,
        ..Default::default()
    });
    c.overlap_ms += ms;
    c.checkpoints.insert(other.checkpoint_id);
    c.first_contact = c.first_contact.min(start);
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

    fn v(id: u8, subject: u8, cp: i64, cin: i64, end: i64) -> VisitRow {
        VisitRow {
            id: vec![id],
            account_id: None,
            subject: vec![subject],
            checkpoint_id: cp,
            checked_in_at: cin,
            checked_out_at: Some(end),
            ends_at: end,
            end_kind: "checked_out".into(),
            edited: false,
            source: "self".into(),
            received_at: 0,
        }
    }

    #[test]
    fn overlap_edges() {
        assert_eq!(overlap_ms(0, 10, 10, 20, 0), 0);
        assert_eq!(overlap_ms(0, 10, 5, 20, 0), 5);
        assert_eq!(overlap_ms(0, 10, 12, 20, 5), 3);
        assert_eq!(overlap_ms(10, 20, 0, 30, 0), 10);
        assert_eq!(overlap_ms(0, 10, 30, 40, 5), 0);
    }

    fn accumulate(
        acc: &mut HashMap<Vec<u8>, ContactAcc>,
        index: &VisitRow,
        places: &HashSet<i64>,
        others: &[VisitRow],
        buffer: Millis,
        exclude: &HashSet<Vec<u8>>,
    ) {
        for o in others.iter().filter(|o| places.contains(&o.checkpoint_id)) {
            accumulate_pair(acc, index, o, buffer, exclude);
        }
    }

    #[test]
    fn accumulate_counts_overlaps_at_the_same_places_only() {
        let index = v(1, 9, 100, 1_000, 5_000);
        let others = vec![
            v(2, 1, 100, 2_000, 3_000), // inside: 1000
            v(3, 1, 100, 4_000, 8_000), // partly: 1000
            v(4, 2, 200, 1_000, 5_000), // other place
            v(5, 3, 100, 9_000, 9_500), // after
            v(6, 9, 100, 1_000, 5_000), // the case itself
        ];
        let mut acc = HashMap::new();
        let exclude: HashSet<Vec<u8>> = [vec![9]].into_iter().collect();
        accumulate(
            &mut acc,
            &index,
            &[100].into_iter().collect(),
            &others,
            0,
            &exclude,
        );
        assert_eq!(acc.len(), 1);
        let c = &acc[&vec![1]];
        assert_eq!(c.overlap_ms, 2_000);
        assert_eq!(c.first_contact, 2_000);
        // With the building rolled up, the visit at 200 counts too.
        let mut acc = HashMap::new();
        accumulate(
            &mut acc,
            &index,
            &[100, 200].into_iter().collect(),
            &others,
            0,
            &exclude,
        );
        assert_eq!(acc.len(), 2);
        // A buffer reaches visits just after.
        let mut acc = HashMap::new();
        accumulate(
            &mut acc,
            &index,
            &[100].into_iter().collect(),
            &others,
            5_000,
            &exclude,
        );
        assert!(acc.contains_key(&vec![3]));
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
