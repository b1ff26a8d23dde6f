//! Planning an upload (pure): pending outbox entries → batches of at most `MAX_BATCH` distinct items.
//!
//! Several entries about one record (a check-in, then its check-out, then an edit) become one item: the
//! newest version, at the place of the first entry (so a declaration still goes before the episode that
//! needs it). The batch remembers which outbox entries each item covers, so that an entry is marked done
//! only when the server confirmed the item that covers it.

use std::collections::HashMap;

use uuid::Uuid;

use crate::ids::OutboxId;
use crate::protocol::{ItemKind, UploadBatch};
use crate::store::{OutboxEntry, OutboxEvent};

/// Most items in one upload (the server refuses more: `docs/protocol/sync.md` §3).
pub const MAX_BATCH: usize = 500;

/// Which outbox entries an uploaded item covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covered {
    /// The item's kind.
    pub kind: ItemKind,
    /// The item's id.
    pub id: Uuid,
    /// The outbox entries it answers for.
    pub entries: Vec<OutboxId>,
}

/// One upload request and what it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// The request body (`client_time` is set when sending).
    pub body: UploadBatch,
    /// The items, in the order planned.
    pub covers: Vec<Covered>,
}

fn key_of(event: &OutboxEvent) -> (ItemKind, Uuid) {
    match event {
        OutboxEvent::DeclarationSaved(d) => (ItemKind::Declaration, *d.id.as_uuid()),
        OutboxEvent::VisitCheckedIn(v) | OutboxEvent::VisitCheckedOut(v) | OutboxEvent::VisitEdited(v) => {
            (ItemKind::Visit, *v.id.as_uuid())
        }
        OutboxEvent::QuarantineSaved(e) => (ItemKind::Episode, *e.id.as_uuid()),
        OutboxEvent::DailyReportSaved(r) => (ItemKind::Report, *r.id.as_uuid()),
    }
}

/// Plans the upload of `entries` (oldest first) in batches of at most `max` items (clamped to
/// `1..=MAX_BATCH`).
pub fn plan_batches(entries: &[OutboxEntry], max: usize) -> Vec<Batch> {
    let max = max.clamp(1, MAX_BATCH);
    // Distinct items in first-seen order, each with its newest event and every entry it covers.
    let mut order: Vec<(ItemKind, Uuid)> = Vec::new();
    let mut items: HashMap<(ItemKind, Uuid), (&OutboxEvent, Vec<OutboxId>)> = HashMap::new();
    for entry in entries {
        let key = key_of(&entry.event);
        match items.get_mut(&key) {
            Some((event, ids)) => {
                *event = &entry.event;
                ids.push(entry.id);
            }
            None => {
                order.push(key.clone());
                items.insert(key, (&entry.event, vec![entry.id]));
            }
        }
    }
    order
        .chunks(max)
        .map(|chunk| {
            let mut body = UploadBatch::default();
            let mut covers = Vec::with_capacity(chunk.len());
            for key in chunk {
                let Some((event, ids)) = items.remove(key) else {
                    continue;
                };
                match event {
                    OutboxEvent::DeclarationSaved(d) => body.declarations.push((**d).clone()),
                    OutboxEvent::VisitCheckedIn(v)
                    | OutboxEvent::VisitCheckedOut(v)
                    | OutboxEvent::VisitEdited(v) => body.visits.push(v.clone()),
                    OutboxEvent::QuarantineSaved(e) => body.episodes.push(e.clone()),
                    OutboxEvent::DailyReportSaved(r) => body.reports.push(r.clone()),
                }
                covers.push(Covered {
                    kind: key.0.clone(),
                    id: key.1,
                    entries: ids,
                });
            }
            Batch { body, covers }
        })
        .collect()
}
