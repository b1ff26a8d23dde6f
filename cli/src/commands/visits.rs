//! `tokhai checkin`, `checkout`, `visits`, `visit edit`.

use serde::Serialize;
use tokhai_core::{CheckIn, CheckpointRef, Engine, Msg, UnitScheme, Visit, VisitEdit, VisitEnd, units};

use super::time::parse_time;
use crate::args::{CheckinArgs, VisitEditArgs};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{Out, span, when};

/// A checkpoint's place as people read it: "Siêu thị X — 12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh".
pub(crate) fn place(c: &CheckpointRef) -> String {
    let list = units(UnitScheme::V2025);
    let ward = list.ward(c.ward).map(|w| list.full_name(w));
    let address = [Some(c.street.clone()).filter(|s| !s.is_empty()), ward]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    if address.is_empty() {
        c.name.clone()
    } else {
        format!("{} — {}", c.name, address.join(", "))
    }
}

pub(crate) fn checkin(ctx: &Ctx, args: &CheckinArgs) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let with = args
        .with
        .iter()
        .map(|w| {
            super::people::select(
                &engine,
                &crate::args::PersonArg {
                    person: Some(w.clone()),
                },
            )
            .map(|p| p.id)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let code = &args.code;
    let result = if let Some(photo) = &code.image {
        let bytes = std::fs::read(photo).map_err(|e| CliError::read(photo, e))?;
        engine.check_in_image(&bytes, &with)?
    } else if let Some(fallback) = &code.fallback {
        engine.check_in_fallback(fallback, &with)?
    } else {
        engine.check_in_code(code.payload.as_deref().unwrap_or_default(), &with)?
    };
    print_check_in(&ctx.out, &result)
}

/// Says what a check-in did.
fn print_check_in(out: &Out, result: &CheckIn) -> Result<(), CliError> {
    if out.json {
        return out.json(result);
    }
    let at = when(result.visit.checked_in_at);
    let where_ = place(&result.visit.checkpoint);
    if result.repeat {
        out.say(&Msg::owned(
            format!("Bạn đã check-in ở đây lúc {at}: {where_}"),
            format!("Already checked in here at {at}: {where_}"),
        ));
    } else {
        out.say(&Msg::owned(
            format!("✓ Đã check-in lúc {at}: {where_}"),
            format!("Checked in at {at}: {where_}"),
        ));
    }
    if !result.companions.is_empty() {
        let n = result.companions.len();
        out.say(&Msg::owned(
            format!("  cùng {n} người phụ thuộc."),
            format!(
                "  with {}.",
                tokhai_core::en_count(i64::try_from(n).unwrap_or(i64::MAX), "dependant", "dependants")
            ),
        ));
    }
    if let Some(closed) = &result.closed {
        let out_at = closed.checked_out_at.map(when).unwrap_or_default();
        out.say(&Msg::owned(
            format!("Lượt trước tại {} kết thúc lúc {out_at}.", closed.checkpoint.name),
            format!(
                "The previous visit at {} ended at {out_at}.",
                closed.checkpoint.name
            ),
        ));
    }
    if let Some(auto) = result.auto_check_out_at {
        let t = when(auto);
        out.note(&Msg::owned(
            format!("Nhớ check-out khi rời đi (`tokhai checkout`); nếu quên, hệ thống tự check-out lúc {t}."),
            format!("Check out when you leave (`tokhai checkout`); otherwise you are checked out at {t}."),
        ));
    }
    Ok(())
}

pub(crate) fn checkout(ctx: &Ctx) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let visit = engine.check_out()?;
    let out = &ctx.out;
    if out.json {
        return out.json(&visit);
    }
    let at = visit.checked_out_at.map(when).unwrap_or_default();
    let stay = span(minutes(&visit));
    out.say(&Msg::owned(
        format!(
            "✓ Đã check-out khỏi {} lúc {at} (ở lại {stay}).",
            visit.checkpoint.name
        ),
        format!(
            "Checked out of {} at {at} (stayed {stay}).",
            visit.checkpoint.name
        ),
    ));
    if visit.end == VisitEnd::Auto {
        out.note(&Msg::new(
            "Thời gian lưu lại đã quá mặc định nên giờ ra được ghi là giờ tự động check-out; sửa bằng `tokhai visit edit`.",
            "Your stay ran past the default, so the automatic check-out time was recorded; correct it with `tokhai visit edit`.",
        ));
    }
    Ok(())
}

fn minutes(v: &Visit) -> i64 {
    v.checked_out_at
        .map_or(0, |o| (o - v.checked_in_at).num_minutes())
}

#[derive(Serialize)]
struct VisitRow<'a> {
    number: usize,
    #[serde(flatten)]
    visit: &'a Visit,
}

pub(crate) fn visits(ctx: &Ctx) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let visits = engine.visits()?;
    let out = &ctx.out;
    if out.json {
        let rows: Vec<VisitRow<'_>> = visits
            .iter()
            .enumerate()
            .map(|(i, visit)| VisitRow { number: i + 1, visit })
            .collect();
        return out.json(&rows);
    }
    if visits.is_empty() {
        out.say(&Msg::new("Chưa có lượt check-in nào.", "No visits yet."));
    }
    for (i, v) in visits.iter().enumerate() {
        print_visit(out, i + 1, v);
    }
    Ok(())
}

fn print_visit(out: &Out, number: usize, v: &Visit) {
    let until = v.checked_out_at.map(when).unwrap_or_else(|| "…".to_owned());
    let stay = if v.checked_out_at.is_some() {
        format!(" ({})", span(minutes(v)))
    } else {
        String::new()
    };
    let edited = if v.edited {
        out.text(&Msg::new(", đã sửa", ", edited"))
    } else {
        String::new()
    };
    out.line(&format!(
        "{number}. {} → {until}{stay}  {} [{}{edited}]",
        when(v.checked_in_at),
        place(&v.checkpoint),
        out.text(&v.end.label())
    ));
}

/// The visit named by a number from `tokhai visits` or by (the start of) its id.
fn select(engine: &Engine, which: &str) -> Result<Visit, CliError> {
    let visits = engine.visits()?;
    let which = which.trim();
    let found = match which.parse::<usize>() {
        Ok(n) => n.checked_sub(1).and_then(|i| visits.get(i)).cloned(),
        Err(_) => {
            let mut matching = visits.iter().filter(|v| v.id.to_string().starts_with(which));
            match (matching.next(), matching.next()) {
                (Some(v), None) => Some(v.clone()),
                _ => None,
            }
        }
    };
    found.ok_or_else(|| {
        CliError::usage(
            "visit_not_found",
            "Không tìm thấy lượt này; xem `tokhai visits`.",
            "No such visit; see `tokhai visits`.",
        )
    })
}

pub(crate) fn edit(ctx: &Ctx, args: &VisitEditArgs) -> Result<(), CliError> {
    if args.checked_in.is_none() && args.checked_out.is_none() {
        return Err(CliError::usage(
            "nothing_to_edit",
            "Hãy cho giờ vào (--in) và/hoặc giờ ra (--out) mới.",
            "Give a new check-in (--in) and/or check-out (--out) time.",
        ));
    }
    let engine = ctx.engine()?;
    let visit = select(&engine, &args.visit)?;
    let edit = VisitEdit {
        checked_in_at: match &args.checked_in {
            Some(t) => parse_time(t, ctx.clock())?,
            None => visit.checked_in_at,
        },
        checked_out_at: match &args.checked_out {
            Some(t) => Some(parse_time(t, ctx.clock())?),
            None => visit.checked_out_at,
        },
    };
    let edited = engine.edit_visit(visit.id, edit)?;
    if ctx.out.json {
        return ctx.out.json(&edited);
    }
    ctx.out
        .say(&Msg::new("✓ Đã sửa lượt check-in:", "Visit corrected:"));
    print_visit(&ctx.out, 0, &edited);
    Ok(())
}
