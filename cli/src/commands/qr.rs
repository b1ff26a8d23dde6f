//! `tokhai qr personal|checkpoint|poster|keygen` and `tokhai trust add|show`.

use std::path::Path;

use chrono::Duration;
use tokhai_core::render::{self, PosterText};
use tokhai_core::{
    CheckpointId, CheckpointKind, CheckpointPayload, KeyId, Localized, Msg, Signer, TrustList, TrustedKey,
    UnitScheme, units,
};

use super::people;
use super::time::parse_day;
use crate::args::{CheckpointQrArgs, KeygenArgs, PersonalQrArgs, PosterArgs, QrCommand, TrustCommand};
use crate::context::Ctx;
use crate::error::CliError;

pub(crate) fn run(ctx: &Ctx, command: &QrCommand) -> Result<(), CliError> {
    match command {
        QrCommand::Personal(args) => personal(ctx, args),
        QrCommand::Checkpoint(args) => checkpoint(ctx, args),
        QrCommand::Poster(args) => poster(ctx, args),
        QrCommand::Keygen(args) => keygen(ctx, args),
    }
}

fn rendered<T>(result: Result<T, render::RenderError>) -> Result<T, CliError> {
    result.map_err(|e| CliError::Usage {
        code: e.code(),
        msg: e.msg(),
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|e| CliError::write(path, e))
}

fn personal(ctx: &Ctx, args: &PersonalQrArgs) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let person = people::select(&engine, &args.person)?;
    let code = engine.personal_code(person.id)?;
    let out = &ctx.out;
    if let Some(path) = &args.png {
        write(path, &rendered(render::qr_png(code.as_str(), 8))?)?;
    }
    if let Some(path) = &args.svg {
        write(path, rendered(render::qr_svg(code.as_str()))?.as_bytes())?;
    }
    if let Some(path) = &args.card_pdf {
        write(path, &rendered(render::personal_card_pdf(&code))?)?;
    }
    if let Some(path) = &args.card_png {
        write(path, &rendered(render::personal_card_png(&code, 300))?)?;
    }
    let p = code.payload();
    if out.json {
        return out.json(&serde_json::json!({
            "text": code.as_str(),
            "signed": code.is_signed(),
            "status": p.status,
            "expires_at": p.expires_at,
        }));
    }
    let wrote_file =
        args.png.is_some() || args.svg.is_some() || args.card_pdf.is_some() || args.card_png.is_some();
    if !wrote_file {
        out.line(&terminal_qr(code.as_str())?);
    }
    out.say(&Msg::owned(
        format!(
            "{} · {} · hết hạn {}",
            p.initials,
            p.status.label().vi,
            crate::output::when(p.expires_at)
        ),
        format!(
            "{} · {} · expires {}",
            p.initials,
            p.status.label().en,
            crate::output::when(p.expires_at)
        ),
    ));
    if !code.is_signed() {
        out.note(&Msg::new(
            "Mã đang chờ xác nhận: máy chủ sẽ ký mã sau khi tờ khai được đồng bộ.",
            "Pending: the server signs the code once the declaration has synced.",
        ));
    }
    Ok(())
}

/// The code as Unicode half blocks, light modules drawn, for a dark terminal (as `qrencode -t UTF8`).
fn terminal_qr(text: &str) -> Result<String, CliError> {
    let m = rendered(render::qr_matrix(text))?;
    let quiet = 2usize;
    let size = m.width() + 2 * quiet;
    let dark = |x: usize, y: usize| -> bool {
        x >= quiet
            && y >= quiet
            && x - quiet < m.width()
            && y - quiet < m.width()
            && m.is_dark(x - quiet, y - quiet)
    };
    let mut s = String::with_capacity(size * size);
    for y in (0..size).step_by(2) {
        for x in 0..size {
            s.push(match (!dark(x, y), y + 1 < size && !dark(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        s.push('\n');
    }
    Ok(s)
}

fn kind(text: &str) -> Result<CheckpointKind, CliError> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_lowercase())).map_err(|_| {
        let all: Vec<String> = CheckpointKind::ALL
            .iter()
            .filter_map(|k| {
                serde_json::to_value(k)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
            })
            .collect();
        CliError::usage(
            "bad_checkpoint_kind",
            format!(
                "Loại điểm kiểm soát không hợp lệ; chọn một trong: {}",
                all.join(", ")
            ),
            format!("Unknown checkpoint kind; choose one of: {}", all.join(", ")),
        )
    })
}

fn checkpoint(ctx: &Ctx, args: &CheckpointQrArgs) -> Result<(), CliError> {
    if units(UnitScheme::V2025).ward(args.ward).is_none() {
        return Err(CliError::usage(
            "unknown_ward",
            "Mã phường/xã không có trong danh mục 2025.",
            "The ward code is not in the 2025 list.",
        ));
    }
    let pkcs8 = zeroize::Zeroizing::new(
        std::fs::read(&args.signing_key).map_err(|e| CliError::read(&args.signing_key, e))?,
    );
    let signer = Signer::from_pkcs8(KeyId(args.key_id), &pkcs8).map_err(|e| CliError::Usage {
        code: e.code(),
        msg: e.msg(),
    })?;
    let valid_until = match &args.valid_until {
        Some(day) => {
            let day = parse_day(Some(day), ctx.clock())? + Duration::days(1);
            Some(tokhai_core::day_start(
                day,
                tokhai_core::VIETNAM_UTC_OFFSET_MINUTES,
            ))
        }
        None => None,
    };
    let payload = CheckpointPayload {
        id: CheckpointId(args.id),
        parent: args.parent.map(CheckpointId),
        name: args.name.trim().to_owned(),
        kind: kind(&args.kind)?,
        ward: args.ward,
        street: args.street.trim().to_owned(),
        default_stay_minutes: args.stay,
        issued_at: ctx.clock().now(),
        valid_from: None,
        valid_until,
    };
    let code = signer.sign_checkpoint(&payload).map_err(|e| CliError::Usage {
        code: e.code(),
        msg: e.msg(),
    })?;
    if let Some(path) = &args.png {
        write(path, &rendered(render::qr_png(code.as_str(), 8))?)?;
    }
    if let Some(path) = &args.svg {
        write(path, rendered(render::qr_svg(code.as_str()))?.as_bytes())?;
    }
    let out = &ctx.out;
    if out.json {
        return out.json(&serde_json::json!({
            "text": code.as_str(),
            "fallback": code.fallback().to_string(),
            "qr_version": rendered(render::qr_version(code.as_str()))?,
        }));
    }
    out.line(code.as_str());
    out.note(&Msg::owned(
        format!("Mã dự phòng: {}", code.fallback()),
        format!("Fallback code: {}", code.fallback()),
    ));
    Ok(())
}

fn poster(ctx: &Ctx, args: &PosterArgs) -> Result<(), CliError> {
    if args.pdf.is_none() && args.png.is_none() {
        return Err(CliError::usage(
            "nothing_to_write",
            "Hãy cho --pdf hoặc --png.",
            "Give --pdf or --png.",
        ));
    }
    // Only a code that verifies is worth printing: a poster with a bad code sends everyone away.
    let verified = ctx
        .issuer_trust()?
        .verify_checkpoint(args.payload.trim(), ctx.clock())?;
    let list = units(UnitScheme::V2025);
    let place = list
        .ward(verified.payload().ward)
        .map(|w| list.full_name(w))
        .unwrap_or_default();
    let code = verified.code();
    let building = args
        .building
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if verified.payload().parent.is_some() && building.is_empty() {
        ctx.out.note(&Msg::new(
            "Đây là điểm con (tầng, khoa, phòng): thêm --building \"tên tòa nhà\" để áp phích ghi cả tòa nhà.",
            "This is a sub-checkpoint (floor, department, room): add --building \"building name\" to name the \
             building on the poster.",
        ));
    }
    let text = PosterText { place, building };
    if let Some(path) = &args.pdf {
        write(path, &rendered(render::poster_pdf(&code, &text))?)?;
    }
    if let Some(path) = &args.png {
        write(path, &rendered(render::poster_png(&code, &text, args.dpi))?)?;
    }
    ctx.out.say(&Msg::owned(
        format!("✓ Đã tạo áp phích cho {}", verified.payload().name),
        format!("Poster made for {}", verified.payload().name),
    ));
    Ok(())
}

fn keygen(ctx: &Ctx, args: &KeygenArgs) -> Result<(), CliError> {
    let (signer, pkcs8) = Signer::generate(KeyId(args.key_id)).map_err(|e| CliError::Usage {
        code: e.code(),
        msg: e.msg(),
    })?;
    write_secret(&args.out, &pkcs8).map_err(|e| CliError::write(&args.out, e))?;
    let list = TrustList {
        keys: vec![TrustedKey {
            id: signer.key_id(),
            public_key: signer.public_key(),
            not_before: ctx.clock().now() - Duration::minutes(1),
            not_after: None,
        }],
        ..TrustList::default()
    };
    let json = serde_json::to_string_pretty(&list)
        .map_err(|e| CliError::usage("json_failed", e.to_string(), e.to_string()))?;
    match &args.trust_out {
        Some(path) => write(path, json.as_bytes())?,
        None => ctx.out.line(&json),
    }
    ctx.out.note(&Msg::new(
        "Đã tạo khóa ký. Giữ tệp khóa bí mật cẩn thận; phát danh sách tin cậy cho các thiết bị (`tokhai trust add`).",
        "Signing key made. Keep the private key file safe; give the trust list to devices (`tokhai trust add`).",
    ));
    Ok(())
}

/// A file only its owner can read.
fn write_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

pub(crate) fn trust(ctx: &Ctx, command: &TrustCommand) -> Result<(), CliError> {
    match command {
        TrustCommand::Add { file } => {
            let json = std::fs::read_to_string(file).map_err(|e| CliError::read(file, e))?;
            let list: TrustList = serde_json::from_str(&json).map_err(|e| {
                CliError::usage(
                    "trust_list_invalid",
                    format!("Danh sách tin cậy không hợp lệ: {e}"),
                    format!("The trust list is invalid: {e}"),
                )
            })?;
            let added = ctx.engine()?.add_trust_list(list)?;
            ctx.out.say(&Msg::owned(
                format!("✓ Đã tin cậy thêm {added} khóa (lưu đã mã hóa trong dữ liệu)."),
                format!("Now trusting {added} more key(s) (kept sealed in the data)."),
            ));
            Ok(())
        }
        TrustCommand::Show => {
            let list = ctx.engine()?.trust_list()?;
            ctx.out.json(&list)
        }
    }
}
