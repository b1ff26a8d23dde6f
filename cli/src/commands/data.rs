//! `tokhai purge`, `export`, `wipe`: the person's control over their own data.

use tokhai_core::Msg;

use crate::args::{ExportArgs, WipeArgs};
use crate::context::Ctx;
use crate::error::CliError;
use crate::prompt::{self, Prompter};

pub(crate) fn purge(ctx: &Ctx) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let report = engine.purge()?;
    if ctx.out.json {
        return ctx.out.json(&report);
    }
    ctx.out.say(&report.msg());
    Ok(())
}

pub(crate) fn export(ctx: &Ctx, args: &ExportArgs) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let export = engine.export()?;
    match &args.out {
        None => ctx.out.json(&export),
        Some(path) => {
            let json = serde_json::to_vec_pretty(&export)
                .map_err(|e| CliError::usage("json_failed", e.to_string(), e.to_string()))?;
            write_private(path, &json).map_err(|e| CliError::write(path, e))?;
            ctx.out.note(&Msg::owned(
                format!(
                    "Đã xuất dữ liệu ra {} (tệp này KHÔNG được mã hóa: hãy giữ cẩn thận).",
                    path.display()
                ),
                format!(
                    "Exported to {} (this file is NOT encrypted: keep it safe).",
                    path.display()
                ),
            ));
            Ok(())
        }
    }
}

/// Writes a file only its owner can read: an export holds the person's health data in the clear.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

pub(crate) fn wipe(ctx: &Ctx, args: &WipeArgs) -> Result<(), CliError> {
    if !args.yes {
        if !prompt::interactive() {
            return Err(CliError::usage(
                "confirmation_needed",
                "Xóa vĩnh viễn cần xác nhận: thêm --yes.",
                "Deleting everything needs confirmation: add --yes.",
            ));
        }
        let stdin = std::io::stdin();
        let mut p = Prompter::new(stdin.lock(), ctx.out);
        let q = Msg::new(
            "Xóa vĩnh viễn mọi tờ khai, lượt check-in và báo cáo trên máy này?",
            "Delete every declaration, visit and report on this device for good?",
        );
        if !p.yes_no(&q, false)? {
            ctx.out.say(&Msg::new("Không xóa gì.", "Nothing was deleted."));
            return Ok(());
        }
    }
    let engine = ctx.engine()?;
    let pending = engine.pending_outbox_count()?;
    engine.wipe()?;
    let trust = ctx.data_dir().join("trust.json");
    let _ = std::fs::remove_file(trust);
    ctx.out.say(&Msg::new(
        "✓ Đã xóa toàn bộ dữ liệu trên máy này.",
        "All data on this device was deleted.",
    ));
    if pending > 0 {
        ctx.out.note(&Msg::owned(
            format!("{pending} thay đổi chưa kịp gửi lên máy chủ đã bị xóa cùng."),
            format!("{pending} changes not yet sent to the server were deleted too."),
        ));
    }
    Ok(())
}
