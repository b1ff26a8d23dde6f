//! `tokhai scan` and `tokhai kiosk`: QR codes read from photos and the webcam. (`tokhai checkin --image`
//! is the engine's `check_in_image`.) With `--checkpoint`, the kiosk records each verified code as a
//! sealed staff scan, uploaded by `tokhai sync`.

use std::time::{Duration, Instant};

use tokhai_core::{
    CheckpointId, DesktopCamera, EngineError, LiveScanner, Localized, Msg, PersonalPayload, PersonalStatus,
    ScanOptions, ScanReport, StreamEvent, list_cameras, scan_image_file,
};

use crate::args::KioskArgs;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{Out, when};

fn scan_error(e: &impl Localized) -> CliError {
    CliError::Usage {
        code: e.code(),
        msg: e.msg(),
    }
}

/// `tokhai scan FILE...`: with `--json`, exactly one JSON line per file, whatever happens to it.
pub(crate) fn scan(
    ctx: &Ctx,
    files: &[std::path::PathBuf],
    time_limit_ms: Option<u64>,
) -> Result<(), CliError> {
    let mut opts = ScanOptions::default();
    if let Some(ms) = time_limit_ms {
        opts.budget = std::time::Duration::from_millis(ms);
    }
    let mut failed = 0usize;
    for file in files {
        let result = scan_image_file(file, &opts);
        if ctx.out.json {
            ctx.out
                .line(&ScanReport::new(file.display().to_string(), &result).to_json_line());
            continue;
        }
        match result {
            Ok(scan) if scan.codes.is_empty() => ctx.out.say(&Msg::owned(
                format!("{}: không thấy mã QR ({:.1} ms)", file.display(), scan.decode_ms),
                format!("no QR code ({:.1} ms)", scan.decode_ms),
            )),
            Ok(scan) => {
                for code in &scan.codes {
                    ctx.out.line(&format!("{}: {}", file.display(), code.text));
                }
            }
            Err(e) => {
                failed += 1;
                ctx.out.note(&Msg::owned(
                    format!("{}: {}", file.display(), e.msg().vi),
                    e.msg().en.to_string(),
                ));
            }
        }
    }
    if failed > 0 && !ctx.out.json {
        return Err(CliError::usage(
            "scan_failed",
            format!("{failed} tệp không đọc được."),
            format!("{failed} file(s) could not be read."),
        ));
    }
    Ok(())
}

pub(crate) fn kiosk(ctx: &Ctx, args: &KioskArgs) -> Result<(), CliError> {
    if args.list {
        let cameras = list_cameras();
        if cameras.is_empty() {
            return Err(scan_error(&tokhai_core::CameraError::NoCamera));
        }
        for c in cameras {
            ctx.out.line(&format!("{}: {}", c.index, c.name));
        }
        return Ok(());
    }
    let engine = ctx.engine()?;
    let checkpoint = args.checkpoint.map(CheckpointId);
    let check = |texts: &[String]| engine.staff_check(checkpoint, texts);
    if !args.image.is_empty() {
        let mut refused = 0usize;
        for path in &args.image {
            let scan = scan_image_file(path, &ScanOptions::default()).map_err(|e| scan_error(&e))?;
            let texts: Vec<String> = scan.codes.into_iter().map(|c| c.text).collect();
            let verdict = check(&texts);
            refused += usize::from(verdict.is_err());
            show_verdict(&ctx.out, &verdict);
        }
        if checkpoint.is_some() {
            let queued = engine.pending_staff_scans()?;
            ctx.out.note(&Msg::owned(
                format!("{queued} lượt quét chờ gửi lên máy chủ (`tokhai sync`)."),
                format!("{queued} scan(s) wait to be sent to the server (`tokhai sync`)."),
            ));
        }
        return if refused == 0 {
            Ok(())
        } else {
            Err(CliError::usage(
                "kiosk_refused",
                format!("{refused} mã không hợp lệ."),
                format!("{refused} code(s) refused."),
            ))
        };
    }
    live(ctx, args.camera, &check)
}

/// Scans the webcam until interrupted: each visitor's code is verified and shown in large colours with
/// a bell, then scanning resumes for the next visitor.
fn live(
    ctx: &Ctx,
    camera: Option<u32>,
    check: &dyn Fn(&[String]) -> Result<PersonalPayload, EngineError>,
) -> Result<(), CliError> {
    let mut cam = match camera {
        Some(i) => DesktopCamera::open(i),
        None => DesktopCamera::open_default(),
    }
    .map_err(|e| scan_error(&e))?;
    ctx.out.say(&Msg::new(
        "Đưa mã QR cá nhân vào trước camera… (Ctrl-C để dừng)",
        "Hold the personal QR code in front of the camera… (Ctrl-C to stop)",
    ));
    let mut last: Option<(String, Instant)> = None;
    loop {
        let scanner = LiveScanner::start(ScanOptions::live(), |code| code.text.starts_with("TKP"))
            .map_err(|e| CliError::usage("kiosk_worker", e.to_string(), e.to_string()))?;
        let text = loop {
            let frame = cam.next_frame().map_err(|e| scan_error(&e))?;
            scanner.submit(frame);
            if let Ok(StreamEvent::Accepted(code)) = scanner.events().try_recv() {
                break code.text;
            }
        };
        scanner.stop();
        // The same card held up a little longer is one visitor, not two.
        if last
            .as_ref()
            .is_some_and(|(t, at)| *t == text && at.elapsed() < Duration::from_secs(5))
        {
            continue;
        }
        show_verdict(&ctx.out, &check(std::slice::from_ref(&text)));
        last = Some((text, Instant::now()));
    }
}

/// The verdict as the person at the door sees it: a green tick or a red cross, big and plain.
fn show_verdict(out: &Out, verdict: &Result<PersonalPayload, EngineError>) {
    const GREEN: &str = "\x1b[1;97;42m";
    const AMBER: &str = "\x1b[1;30;43m";
    const RED: &str = "\x1b[1;97;41m";
    const RESET: &str = "\x1b[0m";
    match verdict {
        Ok(p) => {
            let colour = if p.status == PersonalStatus::NoSymptoms {
                GREEN
            } else {
                AMBER
            };
            let year = p.birth_year.map(|y| y.to_string()).unwrap_or_default();
            out.verbatim(&format!(
                "\x07{colour}  ✓ {}  {}  {year}  {RESET}",
                out.text(&p.status.label()),
                tokhai_core::escape_unsafe(&p.initials, false)
            ));
            out.line(&format!(
                "    {}",
                out.text(&Msg::owned(
                    format!(
                        "khai báo lúc {}, hết hạn {}",
                        when(p.declared_at),
                        when(p.expires_at)
                    ),
                    format!("declared {}, expires {}", when(p.declared_at), when(p.expires_at)),
                ))
            ));
        }
        Err(e) => {
            out.verbatim(&format!(
                "\x07\x07{RED}  ✗ {}  {RESET}",
                tokhai_core::escape_unsafe(&out.text(&e.msg()), false)
            ));
        }
    }
}
