//! Merging an upload's answer (pure): per-item statuses → what to mark done, what failed, which visits
//! to take from the server. Decisions: `docs/adr/0008-sync-conflicts.md`.
//!
//! | status | action |
//! |---|---|
//! | `accepted`, `duplicate`, `updated` | the entries the item covers are done |
//! | `kept` | done, and the local visit takes the server's version (closed by the checkpoint) |
//! | `refused` | the entries fail with the server's code; they are not sent again; a refused visit takes the server's version when the answer carries one |
//! | missing or unknown | nothing: the entries stay pending and go again next time |

use std::collections::HashMap;

use uuid::Uuid;

use super::plan::{Batch, ItemKind};
use super::wire::{UploadResult, VisitState};
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
    /// Visits answered `kept` or `refused` with the server's version (`ItemResult::visit`): the device
    /// takes that version, so that both agree on whether the person is still there.
    pub server_versions: Vec<(VisitId, VisitState)>,
    /// Visits the server took in this answer (to flag them when the clock was off).
    pub visits: Vec<VisitId>,
    /// Items the answer did not mention (they stay pending).
    pub unanswered: usize,
}

/// Merges `result` into the plan of `batch`.
pub fn merge(batch: &Batch, result: &UploadResult) -> Merge {
    type Answer<'a> = (&'a str, Option<&'a str>, Option<&'a VisitState>);
    let mut answers: HashMap<(ItemKind, Uuid), Answer<'_>> = HashMap::new();
    for item in &result.items {
        let (Some(kind), Ok(id)) = (ItemKind::from_wire(&item.kind), Uuid::parse_str(&item.id)) else {
            continue;
        };
        // The first answer for an id counts (the plan never sends an id twice).
        answers.entry((kind, id)).or_insert((
            item.status.as_str(),
            item.code.as_deref(),
            item.visit.as_ref(),
        ));
    }
    let mut m = Merge::default();
    for c in &batch.covers {
        match answers.get(&(c.kind, c.id)) {
            Some(("accepted" | "duplicate" | "updated", ..)) => {
                m.done.extend_from_slice(&c.entries);
                if c.kind == ItemKind::Visit {
                    m.visits.push(VisitId::from_uuid(c.id));
                }
            }
            Some(("kept", _, state)) => {
                m.done.extend_from_slice(&c.entries);
                if c.kind == ItemKind::Visit {
                    let id = VisitId::from_uuid(c.id);
                    m.kept.push(id);
                    if let Some(state) = state {
                        m.server_versions.push((id, (*state).clone()));
                    }
                    m.visits.push(id);
                }
            }
            Some(("refused", code, state)) => {
                let code = code.unwrap_or("refused").to_owned();
                m.failed.extend(c.entries.iter().map(|e| (*e, code.clone())));
                m.refused.push((c.kind, c.id, code));
                if let (ItemKind::Visit, Some(state)) = (c.kind, state) {
                    m.server_versions
                        .push((VisitId::from_uuid(c.id), (*state).clone()));
                }
            }
            _ => m.unanswered += 1,
        }
    }
    m
}
