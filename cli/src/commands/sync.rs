//! `login`, `logout`, `sync`, `status`, `alerts`: the sync client of tokhai-core, driven from the command
//! line. Everything works offline; `sync` is the only command that needs the server.

use std::collections::BTreeMap;

use tokhai_core::sync_client::{HttpTransport, OsJitter, SyncOptions, SyncStatus, skipped_entries_msg};
use tokhai_core::{Engine, Lang, Msg, en_count};

use crate::args::{LangChoice, LoginArgs, WipeArgs};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::when;
use crate::prompt::{Prompter, interactive};

fn transport(ctx: &Ctx) -> Result<HttpTransport, CliError> {
    HttpTransport::new(&ctx.server, ctx.timeout).map_err(|_| {
        CliError::usage(
            "bad_server",
            format!("Địa chỉ máy chủ không dùng được: {}", ctx.server),
            format!("The server address cannot be used: {}", ctx.server),
        )
    })
}

/// A runtime for one command (the engine's calls are quick and local; only the network waits).
fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, CliError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::usage("runtime_failed", e.to_string(), e.to_string()))?;
    Ok(rt.block_on(f))
}

pub(crate) fn login(ctx: &Ctx, args: &LoginArgs) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let t = transport(ctx)?;
    let out = &ctx.out;
    let code = match &args.code {
        Some(c) => c.trim().to_owned(),
        None => {
            block_on(engine.request_sign_in_code(&t, &args.phone))??;
            out.note(&Msg::new(
                "Đã gửi mã OTP qua tin nhắn.",
                "A one-time code was sent by text message.",
            ));
            if !interactive() {
                out.say(&Msg::new(
                    "Chạy lại với --code <mã> khi nhận được mã.",
                    "Run again with --code <code> once it arrives.",
                ));
                return Ok(());
            }
            let stdin = std::io::stdin();
            Prompter::new(stdin.lock(), *out).ask(&Msg::new("Mã OTP", "One-time code"), None)?
        }
    };
    let expires = block_on(engine.sign_in(&t, &args.phone, &code))??;
    if out.json {
        return out.json(&serde_json::json!({ "signed_in": true, "expires_at": expires }));
    }
    out.say(&Msg::owned(
        format!("✓ Đã đăng nhập (đến {}).", when(expires)),
        format!("Signed in (until {}).", when(expires)),
    ));
    Ok(())
}

pub(crate) fn logout(ctx: &Ctx) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let t = transport(ctx)?;
    block_on(engine.sign_out(&t))??;
    ctx.out.say(&Msg::new("Đã đăng xuất.", "Signed out."));
    Ok(())
}

pub(crate) fn sync(ctx: &Ctx) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let t = transport(ctx)?;
    let report = block_on(engine.sync(&t, &SyncOptions::default(), &mut OsJitter))??;
    let out = &ctx.out;
    if out.json {
        return out.json(&report);
    }
    out.say(&Msg::owned(
        format!(
            "✓ Đã đồng bộ: gửi {} thay đổi, {} bị từ chối, còn chờ {}; tải {} mục cập nhật.",
            report.sent, report.refused, report.pending, report.pulled
        ),
        format!(
            "Synced: {} changes sent, {} refused, {} still pending; {} updates downloaded.",
            report.sent, report.refused, report.pending, report.pulled
        ),
    ));
    if let Some(clock) = report.clock.filter(|c| c.is_off()) {
        out.say(&clock.msg());
    }
    if let Some(m) = skipped_entries_msg(u64::try_from(report.skipped_entries).unwrap_or(u64::MAX)) {
        out.say(&m);
    }
    if report.new_alerts > 0 {
        out.say(&Msg::owned(
            format!(
                "⚠ {} cảnh báo phơi nhiễm mới: xem `tokhai alerts`.",
                report.new_alerts
            ),
            format!(
                "{}: see `tokhai alerts`.",
                en_count(
                    i64::try_from(report.new_alerts).unwrap_or(i64::MAX),
                    "new exposure alert",
                    "new exposure alerts"
                )
            ),
        ));
    }
    Ok(())
}

/// What waits, by kind of change.
fn pending_by_kind(engine: &Engine) -> Result<BTreeMap<&'static str, usize>, CliError> {
    let mut kinds = BTreeMap::new();
    for e in engine.pending_outbox(usize::MAX)? {
        *kinds.entry(e.event.kind()).or_insert(0) += 1;
    }
    Ok(kinds)
}

fn kind_words(kind: &str) -> Msg {
    match kind {
        "declaration_saved" => Msg::new("tờ khai", "declarations"),
        "visit_checked_in" => Msg::new("check-in", "check-ins"),
        "visit_checked_out" => Msg::new("check-out", "check-outs"),
        "visit_edited" => Msg::new("sửa giờ", "visit edits"),
        "quarantine_saved" => Msg::new("đợt cách ly", "quarantine episodes"),
        "daily_report_saved" => Msg::new("báo cáo sức khỏe", "health reports"),
        _ => Msg::new("khác", "other"),
    }
}

pub(crate) fn status(ctx: &Ctx) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let st: SyncStatus = engine.sync_status()?;
    let kinds = pending_by_kind(&engine)?;
    let out = &ctx.out;
    if out.json {
        return out
            .json(&serde_json::json!({ "status": st, "pending_by_kind": kinds, "server": ctx.server }));
    }
    if st.pending == 0 {
        out.say(&Msg::new("Không còn gì chờ gửi.", "Nothing waits to be sent."));
    } else {
        let list = |en: bool| {
            kinds
                .iter()
                .map(|(k, n)| {
                    let w = kind_words(k);
                    format!("{n} {}", if en { w.en } else { w.vi })
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.say(&Msg::owned(
            format!("Chờ gửi: {} ({}).", st.pending, list(false)),
            format!("Waiting to be sent: {} ({}).", st.pending, list(true)),
        ));
    }
    match (&st.last_error, st.signed_in) {
        (Some(failure), _) => {
            let msg = &failure.message;
            let at = st.last_error_at.map(when).unwrap_or_default();
            out.say(&Msg::owned(
                format!("Lần đồng bộ trước ({at}) không thành: {}", msg.vi),
                format!("The last sync ({at}) did not go through: {}", msg.en),
            ));
        }
        (None, false) => out.say(&Msg::new(
            "Chưa đăng nhập: dùng `tokhai login <số điện thoại>`.",
            "Not signed in: use `tokhai login <phone>`.",
        )),
        (None, true) if st.last_success.is_none() => out.say(&Msg::new(
            "Chưa đồng bộ lần nào: dùng `tokhai sync`.",
            "Never synced yet: use `tokhai sync`.",
        )),
        (None, true) => {}
    }
    if let Some(t) = st.last_success {
        out.say(&Msg::owned(
            format!("Đồng bộ thành công gần nhất: {}", when(t)),
            format!("Last successful sync: {}", when(t)),
        ));
    }
    if let Some(t) = st.next_attempt {
        out.say(&Msg::owned(
            format!("Lần thử tới: {}", when(t)),
            format!("Next attempt: {}", when(t)),
        ));
    }
    for r in &st.refused {
        out.say(&Msg::owned(
            format!("Bị từ chối ({}): {}", kind_words(&r.change).vi, r.message.vi),
            format!("Refused ({}): {}", kind_words(&r.change).en, r.message.en),
        ));
    }
    if let Some(c) = st.clock.filter(|c| c.is_off()) {
        out.say(&c.msg());
    }
    if let Some(m) = skipped_entries_msg(st.skipped_entries) {
        out.say(&m);
    }
    if st.flagged_visits > 0 {
        out.say(&Msg::owned(
            format!("{} lượt ghi khi đồng hồ của máy bị sai.", st.flagged_visits),
            format!(
                "{} visits were recorded while the device clock was wrong.",
                st.flagged_visits
            ),
        ));
    }
    if st.alerts > 0 {
        out.say(&Msg::owned(
            format!("⚠ {} cảnh báo phơi nhiễm: xem `tokhai alerts`.", st.alerts),
            format!(
                "{}: see `tokhai alerts`.",
                en_count(
                    i64::try_from(st.alerts).unwrap_or(i64::MAX),
                    "exposure alert",
                    "exposure alerts"
                )
            ),
        ));
    }
    Ok(())
}

pub(crate) fn alerts(ctx: &Ctx) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let alerts = engine.alerts()?;
    let out = &ctx.out;
    if out.json {
        return out.json(&alerts);
    }
    if alerts.is_empty() {
        out.say(&Msg::new("Không có cảnh báo phơi nhiễm.", "No exposure alerts."));
    }
    // One language at a time: the advice is the health office's own text, and each line already holds it
    // once. Vietnamese unless `--lang en`.
    let lang = match out.lang {
        LangChoice::En => Lang::En,
        LangChoice::Vi | LangChoice::Both => Lang::Vi,
    };
    for a in &alerts {
        out.line(a.msg().get(lang));
    }
    Ok(())
}

/// `tokhai areas`: the wards' safety levels the last sync brought.
pub(crate) fn areas(ctx: &Ctx) -> Result<(), CliError> {
    let areas = ctx.engine()?.area_safety()?;
    let out = &ctx.out;
    if out.json {
        return out.json(&areas);
    }
    if areas.is_empty() {
        out.say(&Msg::new(
            "Chưa có cấp độ an toàn nào (đồng bộ để tải: `tokhai sync`).",
            "No safety levels yet (sync to fetch them: `tokhai sync`).",
        ));
    }
    for a in &areas {
        let place = if a.place.is_empty() {
            a.ward.to_string()
        } else {
            a.place.clone()
        };
        out.say(&Msg::owned(
            format!("{place}: {} (từ {})", a.words.vi, when(a.updated_at)),
            format!("{place}: {} (since {})", a.words.en, when(a.updated_at)),
        ));
    }
    Ok(())
}

/// `tokhai account delete`: asks the server to delete this account's data there, after confirmation.
pub(crate) fn delete_account(ctx: &Ctx, args: &WipeArgs) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    if !engine.sync_status()?.signed_in {
        return Err(tokhai_core::sync_client::SyncError::NotSignedIn.into());
    }
    let out = &ctx.out;
    if !args.yes {
        if !interactive() {
            return Err(CliError::usage(
                "confirmation_needed",
                "Xóa dữ liệu trên máy chủ cần xác nhận: thêm --yes.",
                "Deleting your data on the server needs confirmation: add --yes.",
            ));
        }
        let stdin = std::io::stdin();
        let mut p = Prompter::new(stdin.lock(), *out);
        let q = Msg::new(
            "Yêu cầu máy chủ xóa vĩnh viễn mọi tờ khai, lượt check-in và báo cáo sức khỏe của tài khoản này?",
            "Ask the server to delete every declaration, visit and health report of this account for good?",
        );
        if !p.yes_no(&q, false)? {
            out.say(&Msg::new("Không xóa gì.", "Nothing was deleted."));
            return Ok(());
        }
    }
    let t = transport(ctx)?;
    let answer = block_on(engine.delete_server_account(&t))??;
    if out.json {
        return out.json(&answer);
    }
    let d = &answer.deleted;
    out.say(&Msg::owned(
        format!(
            "✓ Máy chủ đã xóa: {} tờ khai, {} lượt check-in, {} đợt cách ly, {} báo cáo sức khỏe, {} mã cá nhân đã ký; mọi thiết bị đã đăng xuất.",
            d.declarations, d.visits, d.episodes, d.reports, d.personal_codes
        ),
        format!(
            "The server deleted: {} declarations, {} visits, {} quarantine episodes, {} health reports, {} signed personal codes; every device is signed out.",
            d.declarations, d.visits, d.episodes, d.reports, d.personal_codes
        ),
    ));
    if answer.account_removed {
        out.say(&Msg::new(
            "Tài khoản cũng đã bị xóa; đăng nhập lại sẽ tạo tài khoản mới, trống.",
            "The account is gone too; signing in again starts a new, empty one.",
        ));
    }
    out.say(&Msg::new("Máy chủ vẫn giữ:", "The server keeps:"));
    for k in &answer.kept {
        out.say(&Msg::owned(format!("- {}", k.vi), format!("- {}", k.en)));
    }
    let pending = engine.pending_outbox_count()?;
    out.say(&Msg::owned(
        format!(
            "Dữ liệu trên máy này vẫn còn ({pending} thay đổi chưa gửi, sẽ được gửi nếu bạn đăng nhập lại): `tokhai wipe` xóa chúng."
        ),
        format!(
            "This device's copy is still here ({pending} changes not sent, sent if you sign in again): `tokhai wipe` deletes it."
        ),
    ));
    Ok(())
}
