//! The Ministry of Health domestic declaration form (tờ khai y tế nội địa).
//!
//! - `model.rs`: the validated declaration and its parts (what is stored and sent).

mod model;

pub use model::{
    Address, ChronicCondition, Declaration, DeclarationRecord, Exposure, IdNumber, Person, Relation, Sex,
    Symptoms, UnitScheme,
};
