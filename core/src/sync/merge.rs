//! Merging an upload's answer (pure): per-item statuses → what to mark done, what failed, which visits
//! to take from the server. Decisions: `docs/adr/0008-sync-conflicts.md`.
//!
//! | status | action |
//! |---|---|
//! | `accepted`, `duplicate`, `updated` | the entries the item covers are done |
//! | `kept` | done, and the local visit takes the server's version (closed by the checkpoint) |
//! | `refused` | the entries fail with the server's code; they are not sent again |
//! | missing or unknown | nothing: the entries stay pending and go again next time |

use std::collections::HashMap;

use uuid::Uuid;

use super::plan::{Batch, ItemKind};
use super::wire::UploadResult;
use crate::ids::{OutboxId, VisitId};

/// What to record after an upload answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merge {
    /// Outbox entries the server confirmed.
    pub done: Vec<OutboxId>,
    /// Outbox entries the server refused, with its code.
    pub failed: Vec<(OutboxId, String)>,
    /// Items refused (kind, id, code), to tell the person.
    pub refused: Vec<(ItemKind, Uuid, String)>,
    /// Visits whose server version stands (closed by the checkpoint's "check out everyone").
    pub kept: Vec<VisitId>,
    /// Visits the server took in this answer (to flag them when the clock was off).
    pub visits: Vec<VisitId>,
    /// Items the answer did not mention (they stay pending).
    pub unanswered: usize,
}

/// Merges `result` into the plan of `batch`.
pub fn merge(batch: &Batch, result: &UploadResult) -> Merge {
    let mut answers: HashMap<(ItemKind, Uuid), (&str, Option<&str>)> = HashMap::new();
    for item in &result.items {
        let (Some(kind), Ok(id)) = (ItemKind::from_wire(&item.kind), Uuid::parse_str(&item.id)) else {
            continue;
        };
        // The first answer for an id counts (the plan never sends an id twice).
        answers
            .entry((kind, id))
            .or_insert((item.status.as_str(), item.code.as_deref()));
    }
    let mut m = Merge::default();
    for c in &batch.covers {
        match answers.get(&(c.kind, c.id)) {
            Some(("accepted" | "duplicate" | "updated", _)) => {
                m.done.extend_from_slice(&c.entries);
                if c.kind == ItemKind::Visit {
                    m.visits.push(VisitId::from_uuid(c.id));
                }
            }
            Some(("kept", _)) => {
                m.done.extend_from_slice(&c.entries);
                if c.kind == ItemKind::Visit {
                    m.kept.push(VisitId::from_uuid(c.id));
                    m.visits.push(VisitId::from_uuid(c.id));
                }
            }
            Some(("refused", code)) => {
                let code = code.unwrap_or("refused").to_owned();
                m.failed.extend(c.entries.iter().map(|e| (*e, code.clone())));
                m.refused.push((c.kind, c.id, code));
            }
            _ => m.unanswered += 1,
        }
    }
    m
}
