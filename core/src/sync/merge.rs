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

use super::plan::Batch;
use crate::ids::{OutboxId, VisitId};
use crate::protocol::{ItemKind, ItemStatus, RefusalCode, UploadResult};
use crate::visit::VisitState;

/// What to record after an upload answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merge {
    /// Outbox entries the server confirmed.
    pub done: Vec<OutboxId>,
    /// Outbox entries the server refused, with its code.
    pub failed: Vec<(OutboxId, String)>,
    /// Items refused (kind, id, code), to tell the person.
    pub refused: Vec<(ItemKind, Uuid, RefusalCode)>,
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
    type Answer<'a> = (&'a ItemStatus, Option<&'a RefusalCode>, Option<&'a VisitState>);
    let mut answers: HashMap<(&ItemKind, Uuid), Answer<'_>> = HashMap::new();
    for item in &result.items {
        let Ok(id) = Uuid::parse_str(&item.id) else {
            continue;
        };
        // The first answer for an id counts (the plan never sends an id twice).
        answers
            .entry((&item.kind, id))
            .or_insert((&item.status, item.code.as_ref(), item.visit.as_ref()));
    }
    let mut m = Merge::default();
    for c in &batch.covers {
        let is_visit = c.kind == ItemKind::Visit;
        match answers.get(&(&c.kind, c.id)) {
            Some((ItemStatus::Accepted | ItemStatus::Duplicate | ItemStatus::Updated, ..)) => {
                m.done.extend_from_slice(&c.entries);
                if is_visit {
                    m.visits.push(VisitId::from_uuid(c.id));
                }
            }
            Some((ItemStatus::Kept, _, state)) => {
                m.done.extend_from_slice(&c.entries);
                if is_visit {
                    let id = VisitId::from_uuid(c.id);
                    m.kept.push(id);
                    if let Some(state) = state {
                        m.server_versions.push((id, (*state).clone()));
                    }
                    m.visits.push(id);
                }
            }
            Some((ItemStatus::Refused, code, state)) => {
                // A refusal without a code (never sent by this protocol's servers) still fails the item.
                let code = code
                    .cloned()
                    .unwrap_or_else(|| RefusalCode::Unknown("refused".to_owned()));
                m.failed
                    .extend(c.entries.iter().map(|e| (*e, code.as_str().to_owned())));
                if let (true, Some(state)) = (is_visit, state) {
                    m.server_versions
                        .push((VisitId::from_uuid(c.id), (*state).clone()));
                }
                m.refused.push((c.kind.clone(), c.id, code));
            }
            // No answer, or a status this build does not know: the item stays pending.
            _ => m.unanswered += 1,
        }
    }
    m
}
