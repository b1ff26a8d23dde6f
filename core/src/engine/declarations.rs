//! Declaring (for oneself or on behalf of a dependant), updating, the latest version and its freshness.

use super::error::{EngineError, Missing};
use super::events::EngineEvent;
use super::facade::Engine;
use crate::declaration::{
    Declaration, DeclarationForm, DeclarationRecord, Freshness, IdNumber, Person, Relation,
    ValidationContext, freshness, newest_declaration, validate,
};
use crate::ids::PersonId;
use crate::phone::Phone;
use crate::store::{OutboxEvent, Tx};

/// The bytes whose keyed hash marks an identity document as taken on this device; `None` for a child
/// without one.
fn document_key(id: &IdNumber) -> Option<Vec<u8>> {
    let (kind, number) = match id {
        IdNumber::Cmnd(n) => ("cmnd", n),
        IdNumber::Cccd(n) => ("cccd", n),
        IdNumber::Passport(n) => ("passport", n),
        IdNumber::NotIssued => return None,
    };
    Some(format!("{kind}:{}", number.to_uppercase()).into_bytes())
}

/// The newest version of `person`'s declaration, by the domain's rule (not superseded, latest).
fn newest(tx: &Tx<'_>, person: PersonId) -> Result<Option<DeclarationRecord>, EngineError> {
    let records = tx.declarations(person)?;
    Ok(newest_declaration(&records, person).cloned())
}

impl Engine {
    /// Validates `form` and stores it as `person`'s newest declaration (an update supersedes the previous
    /// version), queued for the server, in one transaction. Invalid fields come back all at once as
    /// `EngineError::Invalid`. A dependant who leaves the phone blank gets the account holder's.
    pub fn declare(
        &self,
        person: PersonId,
        form: &DeclarationForm,
    ) -> Result<DeclarationRecord, EngineError> {
        self.write(|tx| {
            let who = tx.person(person)?.ok_or(EngineError::NotFound(Missing::Person))?;
            let declaration = self.validate_in(tx, who.relation, form)?;
            self.store_declaration(tx, person, declaration)
        })
        .inspect(|_| self.emit(EngineEvent::DeclarationChanged { person }))
    }

    /// Adds a person (the account holder or a dependant) together with their first declaration, in one
    /// transaction: when the form is invalid, nobody is added.
    pub fn declare_new(
        &self,
        relation: Relation,
        form: &DeclarationForm,
    ) -> Result<(Person, DeclarationRecord), EngineError> {
        self.write(|tx| {
            let declaration = self.validate_in(tx, relation, form)?;
            let person = Person {
                id: PersonId::random(),
                relation,
                created_at: self.now(),
            };
            tx.insert_person(&person)?;
            let record = self.store_declaration(tx, person.id, declaration)?;
            Ok((person, record))
        })
        .inspect(|(person, _)| {
            self.emit(EngineEvent::PersonsChanged);
            self.emit(EngineEvent::DeclarationChanged { person: person.id });
        })
    }

    /// Validates `form` as it would be for a person of `relation`, storing nothing: for front ends that
    /// check the form field by field while it is being filled in.
    pub fn check_declaration(
        &self,
        relation: Relation,
        form: &DeclarationForm,
    ) -> Result<Declaration, EngineError> {
        self.read(|tx| self.validate_in(tx, relation, form))
    }

    fn validate_in(
        &self,
        tx: &Tx<'_>,
        relation: Relation,
        form: &DeclarationForm,
    ) -> Result<Declaration, EngineError> {
        let holder_phone = match relation {
            Relation::Myself => None,
            _ => self.holder_phone(tx)?,
        };
        let ctx = ValidationContext::new(self.clock(), relation);
        let ctx = match &holder_phone {
            Some(phone) => ctx.with_holder_phone(phone),
            None => ctx,
        };
        Ok(validate(form, &ctx)?)
    }

    fn holder_phone(&self, tx: &Tx<'_>) -> Result<Option<Phone>, EngineError> {
        let Some(holder) = tx.persons()?.into_iter().find(|p| p.relation == Relation::Myself) else {
            return Ok(None);
        };
        Ok(newest(tx, holder.id)?.and_then(|r| Phone::parse(&r.declaration.phone).ok()))
    }

    fn store_declaration(
        &self,
        tx: &Tx<'_>,
        person: PersonId,
        declaration: Declaration,
    ) -> Result<DeclarationRecord, EngineError> {
        let now = self.now();
        let record = match newest(tx, person)? {
            Some(previous) => previous.update(declaration, now),
            None => DeclarationRecord::new(person, declaration, now),
        };
        if let Some(document) = document_key(&record.declaration.id_number) {
            tx.set_document(person, &document)?;
        }
        tx.insert_declaration(&record)?;
        tx.enqueue(OutboxEvent::DeclarationSaved(Box::new(record.clone())), now)?;
        Ok(record)
    }

    /// Stores an already validated declaration (tests that need exact field values).
    #[cfg(test)]
    pub(crate) fn save_declaration(
        &self,
        person: PersonId,
        declaration: Declaration,
    ) -> Result<DeclarationRecord, EngineError> {
        self.write(|tx| {
            tx.person(person)?.ok_or(EngineError::NotFound(Missing::Person))?;
            self.store_declaration(tx, person, declaration)
        })
    }

    /// `person`'s newest declaration, if any.
    pub fn latest_declaration(&self, person: PersonId) -> Result<Option<DeclarationRecord>, EngineError> {
        self.read(|tx| {
            tx.person(person)?.ok_or(EngineError::NotFound(Missing::Person))?;
            newest(tx, person)
        })
    }

    /// The form prefilled from `person`'s newest declaration, for an update; `None` before the first.
    pub fn declaration_form(&self, person: PersonId) -> Result<Option<DeclarationForm>, EngineError> {
        Ok(self
            .latest_declaration(person)?
            .map(|r| DeclarationForm::from(&r.declaration)))
    }

    /// Every kept version of `person`'s declaration, oldest first.
    pub fn declaration_history(&self, person: PersonId) -> Result<Vec<DeclarationRecord>, EngineError> {
        let mut records = self.read(|tx| Ok(tx.declarations(person)?))?;
        records.sort_by_key(|r| r.declared_at);
        Ok(records)
    }

    /// Whether `person`'s newest declaration is still fresh, or the app must ask for a new one.
    pub fn freshness(&self, person: PersonId) -> Result<Freshness, EngineError> {
        let records = self.read(|tx| {
            tx.person(person)?.ok_or(EngineError::NotFound(Missing::Person))?;
            Ok(tx.declarations(person)?)
        })?;
        Ok(freshness(&records, person, self.now(), &self.policy().freshness))
    }
}
