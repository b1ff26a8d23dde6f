//! `validate`: a [`DeclarationForm`] in, a [`Declaration`] or every invalid field out.
//!
//! Decisions (see also `core/README.md`):
//! - **Children without a document.** A person whose year of birth makes them possibly under 14 this year
//!   (`this year − birth year ≤ 14`; only the year is known) may have [`IdNumber::NotIssued`]. Anyone
//!   older needs a CMND, CCCD or passport.
//! - **A dependant's phone.** A dependant (any relation but `Myself`: children, elderly parents…) may
//!   leave the phone blank; the account holder's number is used. The holder must give their own.
//! - **CCCD cross-checks.** The CCCD's first three digits must be a province code (of the 2021 list,
//!   which the codes of birth registration follow), and its century-and-sex digit and year digits must
//!   agree with the year of birth and (unless "other") the sex. CMND and CCCD imply Vietnamese nationality.
//! - **Pregnancy.** Only asked of women and "other": "yes" for a man is an error; "no" is dropped
//!   (stored as not answered).
//! - **Address.** The 2025 list has no districts (a district is an error); the 2021 list requires one.

use chrono::{Datelike, NaiveDate};

use super::countries::{DEFAULT_NATIONALITY, parse_nationality};
use super::errors::{FieldError, FieldErrorKind, ValidationErrors};
use super::fields::{self, IdKind};
use super::form::DeclarationForm;
use super::model::{Address, Declaration, IdNumber, Relation, Sex, Symptoms, UnitScheme};
use crate::calendar::{VIETNAM_UTC_OFFSET_MINUTES, local_day};
use crate::clock::Clock;
use crate::phone::{Phone, PhoneError};
use crate::units::{UnitLevel, units};

/// Oldest age accepted, in years.
pub const MAX_AGE_YEARS: i32 = 120;
/// A child may have no identity document while possibly younger than this.
pub const ID_REQUIRED_FROM_AGE: i32 = 14;

/// What validation needs to know besides the form.
#[derive(Debug, Clone, Copy)]
pub struct ValidationContext<'a> {
    /// Today in Vietnam: bounds the year of birth and the ages above.
    pub today: NaiveDate,
    /// Whose declaration this is, relative to the account holder.
    pub relation: Relation,
    /// The account holder's phone, used when a dependant leaves theirs blank.
    pub holder_phone: Option<&'a Phone>,
}

impl<'a> ValidationContext<'a> {
    /// Context for `relation`, with today's date in Vietnam from `clock`.
    pub fn new(clock: &dyn Clock, relation: Relation) -> Self {
        Self {
            today: local_day(clock.now(), VIETNAM_UTC_OFFSET_MINUTES),
            relation,
            holder_phone: None,
        }
    }

    /// The same context with the account holder's phone.
    pub fn with_holder_phone(self, phone: &'a Phone) -> Self {
        Self {
            holder_phone: Some(phone),
            ..self
        }
    }
}

/// Collects errors in form order.
#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn add(&mut self, field: impl Into<String>, kind: FieldErrorKind) {
        self.0.push(FieldError {
            field: field.into(),
            kind,
        });
    }

    /// The value, or `None` after recording the error.
    fn take<T>(&mut self, field: &str, result: Result<T, FieldErrorKind>) -> Option<T> {
        result.map_err(|kind| self.add(field, kind)).ok()
    }
}

/// Validates a form. Returns the clean declaration, or every invalid field at once.
pub fn validate(
    form: &DeclarationForm,
    ctx: &ValidationContext<'_>,
) -> Result<Declaration, ValidationErrors> {
    let mut errors = Errors::default();
    let this_year = ctx.today.year();

    let full_name = errors.take("full_name", fields::full_name(&form.full_name));

    let birth_year = errors
        .take("birth_year", fields::birth_year(&form.birth_year))
        .and_then(|year| {
            let (min, max) = (this_year - MAX_AGE_YEARS, this_year);
            if (min..=max).contains(&year) {
                Some(year)
            } else {
                errors.add("birth_year", FieldErrorKind::BirthYearRange { min, max });
                None
            }
        });
    let sex = errors.take("sex", fields::sex(&form.sex));
    let nationality = if form.nationality.trim().is_empty() {
        Some(DEFAULT_NATIONALITY)
    } else {
        errors.take(
            "nationality",
            parse_nationality(&form.nationality).ok_or(FieldErrorKind::UnknownNationality),
        )
    };
    // The ID checks need the fields above; they come after them in the error list but name their own field.
    let id_number = id_number(form, birth_year, sex, nationality, this_year, &mut errors);
    let address = address(form, &mut errors);

    let phone = if form.phone.trim().is_empty() && ctx.relation != Relation::Myself {
        match ctx.holder_phone {
            Some(phone) => Some(phone.clone()),
            None => errors.take("phone", Err(FieldErrorKind::Phone(PhoneError::Empty))),
        }
    } else {
        errors.take("phone", Phone::parse(&form.phone).map_err(FieldErrorKind::Phone))
    };
    let email = errors.take("email", fields::email(&form.email));

    // A list far too long is refused at once, without looking at each entry.
    let mut travel = Vec::new();
    if form.travel.len() > fields::PLACES_MAX * 4 {
        errors.add(
            "travel",
            FieldErrorKind::TooLong {
                max: fields::PLACES_MAX,
            },
        );
    } else {
        for (i, place) in form.travel.iter().enumerate() {
            let place = fields::clean_line(place, fields::PLACE_MAX);
            if let Some(Some(place)) = errors.take(&format!("travel[{i}]"), place) {
                travel.push(place);
            }
        }
        if travel.len() > fields::PLACES_MAX {
            errors.add(
                "travel",
                FieldErrorKind::TooLong {
                    max: fields::PLACES_MAX,
                },
            );
        }
    }

    let other = errors
        .take(
            "symptoms.other",
            fields::clean_line(
                form.symptoms.other.as_deref().unwrap_or(""),
                fields::OTHER_SYMPTOMS_MAX,
            ),
        )
        .flatten();
    let symptoms = Symptoms {
        other,
        ..form.symptoms.clone()
    };

    let mut chronic_conditions = Vec::new();
    if form.chronic_conditions.len() > fields::CONDITIONS_MAX {
        errors.add(
            "chronic_conditions",
            FieldErrorKind::TooLong {
                max: fields::CONDITIONS_MAX,
            },
        );
    } else {
        for (i, raw) in form.chronic_conditions.iter().enumerate() {
            let condition = fields::chronic_condition(raw);
            if let Some(Some(c)) = errors.take(&format!("chronic_conditions[{i}]"), condition) {
                chronic_conditions.push(c);
            }
        }
    }
    chronic_conditions.sort();
    chronic_conditions.dedup();

    let pregnant = match (sex, form.pregnant) {
        (Some(Sex::Male), Some(true)) => {
            errors.add("pregnant", FieldErrorKind::PregnancyNotApplicable);
            None
        }
        (Some(Sex::Male), _) => None,
        (_, answer) => answer,
    };

    match (
        full_name,
        id_number,
        birth_year,
        sex,
        nationality,
        address,
        phone,
        email,
    ) {
        (
            Some(full_name),
            Some(id_number),
            Some(birth_year),
            Some(sex),
            Some(nationality),
            Some(address),
            Some(phone),
            Some(email),
        ) if errors.0.is_empty() => Ok(Declaration {
            full_name,
            id_number,
            birth_year: u16::try_from(birth_year).unwrap_or_default(),
            sex,
            nationality: nationality.to_owned(),
            address,
            phone: phone.as_e164().to_owned(),
            email,
            travel,
            symptoms,
            exposure: form.exposure,
            chronic_conditions,
            pregnant,
        }),
        _ => Err(ValidationErrors { errors: errors.0 }),
    }
}

/// The identity document, with its cross-checks against year of birth, sex and nationality.
fn id_number(
    form: &DeclarationForm,
    birth_year: Option<i32>,
    sex: Option<Sex>,
    nationality: Option<&str>,
    this_year: i32,
    errors: &mut Errors,
) -> Option<IdNumber> {
    let chosen = errors.take("id_kind", fields::id_kind(&form.id_kind))?;
    let number = errors.take("id_number", fields::id_digits(&form.id_number))?;
    let kind = match chosen {
        Some(kind) => kind,
        None if number.is_empty() => IdKind::NotIssued,
        None => errors.take("id_number", fields::guess_id_kind(&number))?,
    };
    let vietnamese = nationality == Some("VN");
    errors.take("id_number", fields::check_id_shape(kind, &number, vietnamese))?;
    if matches!(kind, IdKind::Cmnd | IdKind::Cccd) && nationality.is_some() && !vietnamese {
        errors.add("id_number", FieldErrorKind::IdNeedsVietnameseNationality);
        return None;
    }
    match kind {
        IdKind::Cmnd => Some(IdNumber::Cmnd(number)),
        IdKind::Passport => Some(IdNumber::Passport(number)),
        IdKind::NotIssued => {
            // Possibly under 14 this year; with an invalid year of birth that error is enough.
            let child = birth_year.is_none_or(|year| this_year - year <= ID_REQUIRED_FROM_AGE);
            if child {
                Some(IdNumber::NotIssued)
            } else {
                // Blame the choice when "no document" was chosen, the number when it was left blank.
                let field = if chosen.is_some() { "id_kind" } else { "id_number" };
                errors.add(field, FieldErrorKind::IdRequiredFrom14);
                None
            }
        }
        IdKind::Cccd => {
            let prefix = fields::cccd_prefix(&number)?;
            let provinces = units(UnitScheme::V2021);
            let mut ok = true;
            if provinces.get(UnitLevel::Province, prefix.province).is_none() {
                errors.add("id_number", FieldErrorKind::CccdProvince);
                ok = false;
            }
            if birth_year.is_some_and(|year| year != prefix.birth_year) {
                errors.add("id_number", FieldErrorKind::CccdBirthYearMismatch);
                ok = false;
            }
            let sex_mismatch = match sex {
                Some(Sex::Male) => prefix.female,
                Some(Sex::Female) => !prefix.female,
                Some(Sex::Other) | None => false,
            };
            if sex_mismatch {
                errors.add("id_number", FieldErrorKind::CccdSexMismatch);
                ok = false;
            }
            ok.then_some(IdNumber::Cccd(number))
        }
    }
}

/// The address: scheme, unit codes that exist and nest, street.
fn address(form: &DeclarationForm, errors: &mut Errors) -> Option<Address> {
    let a = &form.address;
    let scheme = errors.take("address.scheme", fields::unit_scheme(&a.scheme));
    let code = |raw: &str, needed: bool| match fields::unit_code(raw)? {
        None if needed => Err(FieldErrorKind::Required),
        code => Ok(code),
    };
    let province = errors.take("address.province", code(&a.province, true)).flatten();
    // `None` here means an error was recorded; `Some(None)` a blank district.
    let district = errors.take("address.district", code(&a.district, false));
    let ward = errors.take("address.ward", code(&a.ward, true)).flatten();
    let street = errors.take(
        "address.street",
        fields::clean_line(&a.street, fields::STREET_MAX),
    );
    let street = match street {
        Some(Some(street)) => Some(street),
        Some(None) => {
            errors.add("address.street", FieldErrorKind::Required);
            None
        }
        None => None,
    };

    let (scheme, province, district, ward) = (scheme?, province?, district?, ward?);
    let problems = units(scheme).check_address(province, district, ward);
    for problem in &problems {
        let field = match problem.level() {
            UnitLevel::Province => "address.province",
            UnitLevel::District => "address.district",
            UnitLevel::Ward => "address.ward",
        };
        errors.add(field, FieldErrorKind::Address(*problem));
    }
    if !problems.is_empty() {
        return None;
    }
    Some(Address {
        scheme,
        province,
        district,
        ward,
        street: street?,
    })
}
