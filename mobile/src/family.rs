//! Family: the dependants one phone declares and checks in for (children, parents, a spouse), each with
//! their own declaration and personal code. Who may leave the phone or the ID blank is core's rule.

use std::time::SystemTime;

use tokhai_core as core;

use crate::error::{TokhaiError, guard};
use crate::records::{DeclarationForm, DeclarationSaved, PersonalCode};
use crate::{Tokhai, ids};

/// How a person on the device is related to the account holder (core's `Relation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Relation {
    /// The account holder.
    Myself,
    /// A child.
    Child,
    /// A parent or grandparent.
    Parent,
    /// A spouse.
    Spouse,
    /// Another dependant.
    Other,
}

impl From<Relation> for core::Relation {
    fn from(r: Relation) -> Self {
        match r {
            Relation::Myself => Self::Myself,
            Relation::Child => Self::Child,
            Relation::Parent => Self::Parent,
            Relation::Spouse => Self::Spouse,
            Relation::Other => Self::Other,
        }
    }
}

impl From<core::Relation> for Relation {
    fn from(r: core::Relation) -> Self {
        match r {
            core::Relation::Myself => Self::Myself,
            core::Relation::Child => Self::Child,
            core::Relation::Parent => Self::Parent,
            core::Relation::Spouse => Self::Spouse,
            core::Relation::Other => Self::Other,
        }
    }
}

/// One person on the device, as the family list shows them.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Member {
    /// The person's id on this device.
    pub id: String,
    /// Relation to the account holder.
    pub relation: Relation,
    /// The relation in Vietnamese ("Con").
    pub relation_vi: String,
    /// The relation in English ("Child").
    pub relation_en: String,
    /// The name of their newest declaration.
    pub full_name: Option<String>,
    /// "missing", "fresh" or "stale": whether the app must ask for a new declaration.
    pub freshness: String,
    /// When a fresh declaration goes stale.
    pub stale_at: Option<SystemTime>,
}

fn member(engine: &core::Engine, person: &core::Person) -> Result<Member, TokhaiError> {
    let label = person.relation.label();
    let full_name = engine
        .latest_declaration(person.id)?
        .map(|r| r.declaration.full_name);
    let freshness = engine.freshness(person.id)?;
    let stale_at = match &freshness {
        core::Freshness::Fresh { stale_at, .. } => Some((*stale_at).into()),
        _ => None,
    };
    Ok(Member {
        id: person.id.to_string(),
        relation: person.relation.into(),
        relation_vi: label.vi.into_owned(),
        relation_en: label.en.into_owned(),
        full_name,
        freshness: freshness_word(&freshness),
        stale_at,
    })
}

/// The name of core's `Freshness` variant.
fn freshness_word(f: &core::Freshness) -> String {
    match f {
        core::Freshness::Missing => "missing",
        core::Freshness::Fresh { .. } => "fresh",
        core::Freshness::Stale { .. } => "stale",
    }
    .to_owned()
}

#[uniffi::export]
impl Tokhai {
    /// Everyone on this device (the account holder first), in the order they were added.
    pub fn family(&self) -> Result<Vec<Member>, TokhaiError> {
        guard(|| {
            let engine = self.engine()?;
            engine.persons()?.iter().map(|p| member(&engine, p)).collect()
        })
    }

    /// Adds a dependant together with their first declaration (nobody is added when the form is
    /// invalid). `relation` must not be `Myself`: the account holder is made by `declare`.
    pub fn add_dependant(
        &self,
        relation: Relation,
        form: DeclarationForm,
    ) -> Result<DeclarationSaved, TokhaiError> {
        guard(|| {
            if relation == Relation::Myself {
                return Err(TokhaiError::invalid_msg(
                    "relation_myself",
                    "Người phụ thuộc không thể là chính chủ tài khoản; dùng khai báo của bạn.",
                    "A dependant cannot be the account holder: use your own declaration.",
                ));
            }
            let engine = self.engine()?;
            let (_, record) = engine.declare_new(relation.into(), &form.into())?;
            DeclarationSaved::of(&engine, &record)
        })
    }

    /// A new declaration for a person already on the device (the holder or a dependant).
    pub fn declare_for(
        &self,
        person_id: String,
        form: DeclarationForm,
    ) -> Result<DeclarationSaved, TokhaiError> {
        guard(|| {
            let engine = self.engine()?;
            let record = engine.declare(ids::person(&person_id)?, &form.into())?;
            DeclarationSaved::of(&engine, &record)
        })
    }

    /// The newest declaration of a person as a form, for the app to prefill an update.
    pub fn declaration_form(&self, person_id: String) -> Result<Option<DeclarationForm>, TokhaiError> {
        guard(|| {
            Ok(self
                .engine()?
                .declaration_form(ids::person(&person_id)?)?
                .map(DeclarationForm::from))
        })
    }

    /// A person's current personal QR code (a dependant shows theirs on the holder's phone).
    pub fn personal_code_for(&self, person_id: String) -> Result<PersonalCode, TokhaiError> {
        guard(|| PersonalCode::of(&*self.engine()?, ids::person(&person_id)?))
    }

    /// Removes a dependant with their declarations and health log (changes already queued for the
    /// server stay queued). The account holder cannot be removed: `wipe` deletes everything.
    pub fn remove_dependant(&self, person_id: String) -> Result<(), TokhaiError> {
        guard(|| {
            let engine = self.engine()?;
            let id = ids::person(&person_id)?;
            Ok(engine.remove_person(id)?)
        })
    }
}
