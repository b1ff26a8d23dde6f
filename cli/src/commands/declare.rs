//! `tokhai declare`: the Ministry of Health declaration, from a JSON file, from flags, or question by
//! question (`interview.rs`).

use std::io::BufRead;
use std::path::Path;

use tokhai_core::{DeclarationForm, Localized, Msg, Person, Relation};

use super::people;
use crate::args::{DeclareArgs, DependantKind, FormFlags, SymptomFlag};
use crate::context::Ctx;
use crate::error::CliError;
use crate::prompt::{self, Prompter};

/// Who the declaration is for.
enum Subject {
    Existing(Person),
    New(Relation),
}

impl Subject {
    fn relation(&self) -> Relation {
        match self {
            Self::Existing(p) => p.relation,
            Self::New(r) => *r,
        }
    }
}

pub(crate) fn declare(ctx: &Ctx, args: &DeclareArgs) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let subject = match (args.dependant, &args.person.person) {
        (Some(kind), _) => Subject::New(relation(kind)),
        (None, Some(_)) => Subject::Existing(people::select(&engine, &args.person)?),
        (None, None) => match engine.account_holder()? {
            Some(me) => Subject::Existing(me),
            None => Subject::New(Relation::Myself),
        },
    };
    let mut form = match (&args.file, &subject) {
        (Some(path), _) => read_form(path)?,
        (None, Subject::Existing(p)) => engine.declaration_form(p.id)?.unwrap_or_default(),
        (None, Subject::New(_)) => DeclarationForm::default(),
    };
    let flags_given = apply_flags(&mut form, &args.fields);
    let ask =
        args.interactive || (!args.no_input && args.file.is_none() && !flags_given && prompt::interactive());
    if ask {
        let stdin = std::io::stdin();
        let mut prompter = Prompter::new(stdin.lock(), ctx.out);
        super::interview::interview(&mut prompter, &engine, subject.relation(), &mut form)?;
        let confirm = Msg::new(
            "Tôi cam kết những thông tin trên là đúng sự thật. Lưu tờ khai?",
            "I declare that the above is true. Save the declaration?",
        );
        if !prompter.yes_no(&confirm, true)? {
            ctx.out.say(&Msg::new("Chưa lưu gì.", "Nothing was saved."));
            return Ok(());
        }
    }
    let record = match subject {
        Subject::Existing(person) => engine.declare(person.id, &form)?,
        Subject::New(relation) => engine.declare_new(relation, &form)?.1,
    };
    let out = &ctx.out;
    if out.json {
        return out.json(&record);
    }
    out.say(&Msg::owned(
        format!("Đã lưu tờ khai của {}.", record.declaration.full_name),
        format!("Declaration saved for {}.", record.declaration.full_name),
    ));
    out.line(&out.text(&people::freshness_label(&engine.freshness(record.person)?)));
    out.note(&Msg::new(
        "Tờ khai được lưu mã hóa trên máy và sẽ gửi lên máy chủ khi có mạng.",
        "The declaration is sealed on this device and goes to the server when online.",
    ));
    Ok(())
}

fn relation(kind: DependantKind) -> Relation {
    match kind {
        DependantKind::Child => Relation::Child,
        DependantKind::Parent => Relation::Parent,
        DependantKind::Spouse => Relation::Spouse,
        DependantKind::Other => Relation::Other,
    }
}

fn read_form(path: &Path) -> Result<DeclarationForm, CliError> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut text)
            .map_err(|e| CliError::read(path, e))?;
        let mut rest = String::new();
        while std::io::stdin()
            .lock()
            .read_line(&mut rest)
            .map_err(|e| CliError::read(path, e))?
            > 0
        {
            text.push_str(&rest);
            rest.clear();
        }
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| CliError::read(path, e))?
    };
    DeclarationForm::from_json(&text).map_err(|e| CliError::Usage {
        code: e.code(),
        msg: e.msg(),
    })
}

/// Copies the answers given as flags into `form`; true when any was given.
fn apply_flags(form: &mut DeclarationForm, f: &FormFlags) -> bool {
    let mut any = false;
    let mut set = |slot: &mut String, value: &Option<String>| {
        if let Some(v) = value {
            slot.clone_from(v);
            any = true;
        }
    };
    set(&mut form.full_name, &f.name);
    set(&mut form.id_kind, &f.id_kind);
    set(&mut form.id_number, &f.id_number);
    set(&mut form.birth_year, &f.birth_year);
    set(&mut form.sex, &f.sex);
    set(&mut form.nationality, &f.nationality);
    set(&mut form.address.scheme, &f.scheme);
    set(&mut form.address.province, &f.province);
    set(&mut form.address.district, &f.district);
    set(&mut form.address.ward, &f.ward);
    set(&mut form.address.street, &f.street);
    set(&mut form.phone, &f.phone);
    set(&mut form.email, &f.email);
    if !f.travel.is_empty() {
        form.travel.clone_from(&f.travel);
        any = true;
    }
    if !f.symptoms.is_empty() || f.other_symptom.is_some() {
        form.symptoms = symptoms(&f.symptoms, f.other_symptom.clone());
        any = true;
    }
    if f.contact_case || f.contact_foreign || f.contact_symptoms {
        form.exposure.confirmed_or_suspected_case = f.contact_case;
        form.exposure.person_from_country_with_cases = f.contact_foreign;
        form.exposure.person_with_symptoms = f.contact_symptoms;
        any = true;
    }
    if !f.chronic.is_empty() {
        form.chronic_conditions.clone_from(&f.chronic);
        any = true;
    }
    if let Some(p) = &f.pregnant {
        // An answer that is neither yes nor no is kept as "yes" only if it says so; validation of the
        // other fields still runs, and the summary shows what was understood.
        form.pregnant = prompt::parse_yes_no(p);
        any = true;
    }
    any
}

/// The symptom checklist from flags.
pub(crate) fn symptoms(flags: &[SymptomFlag], other: Option<String>) -> tokhai_core::Symptoms {
    let has = |s: SymptomFlag| flags.contains(&s);
    tokhai_core::Symptoms {
        fever: has(SymptomFlag::Fever),
        cough: has(SymptomFlag::Cough),
        shortness_of_breath: has(SymptomFlag::ShortnessOfBreath),
        pneumonia: has(SymptomFlag::Pneumonia),
        sore_throat: has(SymptomFlag::SoreThroat),
        fatigue: has(SymptomFlag::Fatigue),
        loss_of_taste_or_smell: has(SymptomFlag::LossOfTasteOrSmell),
        other: other.filter(|o| !o.trim().is_empty()),
    }
}
