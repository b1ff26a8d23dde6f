//! `tokhai people`, `tokhai declaration show|history`, and choosing a person with `--for`.

use serde::Serialize;
use tokhai_core::{
    Declaration, DeclarationRecord, Engine, Freshness, Msg, Person, PersonId, Relation, units,
};

use crate::args::PersonArg;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{Out, when};

/// The person `--for` names ("me", a number from `tokhai people`, or an id or its first characters);
/// the account holder when absent.
pub(crate) fn select(engine: &Engine, arg: &PersonArg) -> Result<Person, CliError> {
    let persons = engine.persons()?;
    let wanted = arg.person.as_deref().map(str::trim).unwrap_or("me");
    let found = match wanted.to_lowercase().as_str() {
        "me" | "tôi" | "toi" | "" => persons.iter().find(|p| p.relation == Relation::Myself),
        w => match w.parse::<usize>() {
            Ok(n) => n.checked_sub(1).and_then(|i| persons.get(i)),
            Err(_) => {
                let mut matching = persons.iter().filter(|p| p.id.to_string().starts_with(w));
                match (matching.next(), matching.next()) {
                    (Some(p), None) => Some(p),
                    _ => None,
                }
            }
        },
    };
    found.cloned().ok_or_else(|| {
        CliError::usage(
            "person_not_found",
            "Không tìm thấy người này; xem danh sách bằng `tokhai people`, hoặc khai báo trước bằng `tokhai declare`.",
            "No such person: list them with `tokhai people`, or declare first with `tokhai declare`.",
        )
    })
}

#[derive(Serialize)]
struct PersonRow {
    number: usize,
    id: PersonId,
    relation: Relation,
    name: Option<String>,
    freshness: Freshness,
}

pub(crate) fn people(ctx: &Ctx) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let mut rows = Vec::new();
    for (i, person) in engine.persons()?.into_iter().enumerate() {
        let name = engine
            .latest_declaration(person.id)?
            .map(|r| r.declaration.full_name);
        let freshness = engine.freshness(person.id)?;
        rows.push(PersonRow {
            number: i + 1,
            id: person.id,
            relation: person.relation,
            name,
            freshness,
        });
    }
    let out = &ctx.out;
    if out.json {
        return out.json(&rows);
    }
    if rows.is_empty() {
        out.say(&Msg::new(
            "Chưa có ai. Bắt đầu bằng `tokhai declare`.",
            "Nobody yet. Start with `tokhai declare`.",
        ));
    }
    for row in &rows {
        let name = row
            .name
            .clone()
            .unwrap_or_else(|| out.text(&Msg::new("(chưa khai báo)", "(not declared)")));
        out.line(&format!(
            "{}. {name} — {} — {}",
            row.number,
            out.text(&row.relation.label()),
            out.text(&freshness_label(&row.freshness))
        ));
    }
    Ok(())
}

pub(crate) fn freshness_label(f: &Freshness) -> Msg {
    match f {
        Freshness::Missing => Msg::new("chưa khai báo", "not declared"),
        Freshness::Fresh { stale_at, .. } => Msg::owned(
            format!("còn hiệu lực đến {}", when(*stale_at)),
            format!("valid until {}", when(*stale_at)),
        ),
        Freshness::Stale { since, .. } => Msg::owned(
            format!("hết hiệu lực từ {} — cần khai báo lại", when(*since)),
            format!("expired since {} — please declare again", when(*since)),
        ),
    }
}

pub(crate) fn show(ctx: &Ctx, arg: &PersonArg) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let person = select(&engine, arg)?;
    let record = engine.latest_declaration(person.id)?;
    let freshness = engine.freshness(person.id)?;
    let out = &ctx.out;
    if out.json {
        return out.json(&serde_json::json!({ "declaration": record, "freshness": freshness }));
    }
    match record {
        None => out.say(&Msg::new(
            "Người này chưa khai báo.",
            "This person has not declared yet.",
        )),
        Some(record) => {
            print_record(out, &record);
            out.line(&out.text(&freshness_label(&freshness)));
        }
    }
    Ok(())
}

pub(crate) fn history(ctx: &Ctx, arg: &PersonArg) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let person = select(&engine, arg)?;
    let records = engine.declaration_history(person.id)?;
    if ctx.out.json {
        return ctx.out.json(&records);
    }
    for record in records.iter().rev() {
        print_record(&ctx.out, record);
        ctx.out.line("");
    }
    Ok(())
}

/// A declaration as a person reads it back.
pub(crate) fn print_record(out: &Out, record: &DeclarationRecord) {
    let d = &record.declaration;
    let label = |vi: &'static str, en: &'static str| out.text(&Msg::new(vi, en));
    out.line(&format!(
        "{}: {}",
        label("Khai báo lúc", "Declared at"),
        when(record.declared_at)
    ));
    out.line(&format!("{}: {}", label("Họ và tên", "Full name"), d.full_name));
    out.line(&format!("{}: {}", label("Giấy tờ", "Document"), document(d)));
    out.line(&format!(
        "{}: {}",
        label("Năm sinh", "Year of birth"),
        d.birth_year
    ));
    out.line(&format!("{}: {}", label("Địa chỉ", "Address"), address(d)));
    out.line(&format!("{}: {}", label("Điện thoại", "Phone"), d.phone));
    let yes_no = |b: bool| {
        if b {
            label("Có", "Yes")
        } else {
            label("Không", "No")
        }
    };
    out.line(&format!(
        "{}: {}",
        label("Triệu chứng trong 14 ngày", "Symptoms in 14 days"),
        yes_no(d.has_symptoms())
    ));
    out.line(&format!(
        "{}: {}",
        label("Yếu tố dịch tễ", "Exposure"),
        yes_no(d.has_exposure())
    ));
}

fn document(d: &Declaration) -> String {
    match &d.id_number {
        tokhai_core::IdNumber::Cmnd(n) => format!("CMND {n}"),
        tokhai_core::IdNumber::Cccd(n) => format!("CCCD {n}"),
        tokhai_core::IdNumber::Passport(n) => format!("Hộ chiếu/Passport {n}"),
        tokhai_core::IdNumber::NotIssued => "—".to_owned(),
    }
}

fn address(d: &Declaration) -> String {
    let list = units(d.address.scheme);
    let place = list
        .ward(d.address.ward)
        .map(|w| list.full_name(w))
        .unwrap_or_default();
    if d.address.street.is_empty() {
        place
    } else {
        format!("{}, {place}", d.address.street)
    }
}
