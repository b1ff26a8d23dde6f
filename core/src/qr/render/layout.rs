//! Page layouts as drawing operations in millimetres (origin top-left), shared by the PDF and PNG
//! back ends so both show the same page.

use chrono::{FixedOffset, Offset};

use super::RenderError;
use super::font::{Face, Fonts};
use super::matrix::{QUIET_ZONE, QrMatrix, qr_matrix};
use crate::qr::payload::{CheckpointCode, PersonalCode};

/// Display text for a poster that the code itself does not hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PosterText {
    /// The ward and province, e.g. "Phường Sài Gòn, Thành phố Hồ Chí Minh" (from the unit list).
    pub place: String,
    /// For a sub-checkpoint (floor, department, room): the name of the checkpoint it belongs to (the
    /// building), shown above the place, since the code carries only the parent's id. Empty otherwise.
    pub building: String,
}

/// One drawing operation.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// A black rectangle.
    Fill { x: f32, y: f32, w: f32, h: f32 },
    /// A QR symbol whose top-left module is at (x, y); the layout keeps its quiet zone white.
    Qr {
        x: f32,
        y: f32,
        module: f32,
        matrix: QrMatrix,
    },
    /// One line of black text; `y` is the baseline, `size` the em size.
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        text: String,
    },
}

/// A page: its size and what is drawn on it.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) ops: Vec<Op>,
    pub(crate) fonts: Fonts,
}

impl Page {
    fn new(width: f32, height: f32) -> Result<Self, RenderError> {
        Ok(Self {
            width,
            height,
            ops: Vec::new(),
            fonts: Fonts::load()?,
        })
    }

    fn text(&mut self, x: f32, y: f32, size: f32, face: Face, text: &str) {
        self.ops.push(Op::Text {
            x,
            y,
            size,
            face,
            text: text.to_owned(),
        });
    }

    /// Centred on `cx`, shrunk (down to 60 %) to fit `max_w`.
    fn centred(&mut self, cx: f32, y: f32, size: f32, face: Face, text: &str, max_w: f32) {
        let w_em = self.fonts.width_em(face, text);
        let size = if w_em * size > max_w && w_em > 0.0 {
            (max_w / w_em).max(size * 0.6)
        } else {
            size
        };
        self.text(cx - w_em * size / 2.0, y, size, face, text);
    }

    /// Left-aligned at `x`, shrunk (down to 60 %) to fit `max_w`.
    fn left(&mut self, x: f32, y: f32, size: f32, face: Face, text: &str, max_w: f32) {
        let w_em = self.fonts.width_em(face, text);
        let size = if w_em * size > max_w && w_em > 0.0 {
            (max_w / w_em).max(size * 0.6)
        } else {
            size
        };
        self.text(x, y, size, face, text);
    }

    /// A rectangle outline of line width `lw`.
    fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, lw: f32) {
        self.ops.push(Op::Fill { x, y, w, h: lw });
        self.ops.push(Op::Fill {
            x,
            y: y + h - lw,
            w,
            h: lw,
        });
        self.ops.push(Op::Fill { x, y, w: lw, h });
        self.ops.push(Op::Fill {
            x: x + w - lw,
            y,
            w: lw,
            h,
        });
    }
}

const A4_W: f32 = 210.0;
const A4_H: f32 = 297.0;
/// Side of the poster's QR symbol (without quiet zone): 15 cm reads from about a metre.
const POSTER_QR: f32 = 150.0;

/// The A4 checkpoint poster.
pub(crate) fn poster(code: &CheckpointCode, text: &PosterText) -> Result<Page, RenderError> {
    let mut p = Page::new(A4_W, A4_H)?;
    let cx = A4_W / 2.0;
    let inner = A4_W - 30.0;
    p.centred(cx, 24.0, 9.0, Face::Bold, "QUÉT MÃ QR ĐỂ KHAI BÁO Y TẾ", inner);
    p.centred(
        cx,
        32.0,
        5.0,
        Face::Regular,
        "Scan this QR code to check in (health declaration)",
        inner,
    );
    p.ops.push(Op::Fill {
        x: 15.0,
        y: 36.0,
        w: inner,
        h: 0.6,
    });

    // Checkpoint name: as large as fits on two lines.
    let name = code.name();
    let mut size = 9.0;
    let mut lines = p.fonts.wrap(Face::Bold, name, inner / size, 2);
    while size > 5.5 && (lines.len() > 2 || lines.iter().any(|l| l.ends_with('…'))) {
        size -= 0.5;
        lines = p.fonts.wrap(Face::Bold, name, inner / size, 2);
    }
    let building = text.building.trim();
    let mut y = match (lines.len() > 1, building.is_empty()) {
        (true, true) => 46.0,
        (false, true) => 50.0,
        (true, false) => 44.5,
        (false, false) => 48.5,
    };
    for line in &lines {
        p.centred(cx, y, size, Face::Bold, line, inner);
        y += size * 1.15;
    }
    if !building.is_empty() {
        p.centred(cx, 61.0, 5.0, Face::Bold, building, inner);
    }
    p.centred(cx, 66.5, 4.5, Face::Regular, &text.place, inner);

    let matrix = qr_matrix(code.as_str())?;
    let module = POSTER_QR / matrix.width() as f32;
    let qr_top = 69.0 + QUIET_ZONE as f32 * module;
    p.ops.push(Op::Qr {
        x: cx - POSTER_QR / 2.0,
        y: qr_top,
        module,
        matrix,
    });

    let fallback = code.fallback().to_string();
    let fy = qr_top + POSTER_QR + QUIET_ZONE as f32 * module + 8.5;
    let label = "Mã điểm / Code:  ";
    let (lw, cw) = (
        p.fonts.width_em(Face::Regular, label) * 5.0,
        p.fonts.width_em(Face::Bold, &fallback) * 9.0,
    );
    let x0 = cx - (lw + cw) / 2.0;
    p.text(x0, fy, 5.0, Face::Regular, label);
    p.text(x0 + lw, fy, 9.0, Face::Bold, &fallback);

    let steps = [
        (
            "1. Mở ứng dụng tokhai, chọn “Quét mã” và hướng camera vào mã QR.",
            "Open the tokhai app, tap “Scan” and point the camera at the QR code.",
        ),
        (
            "2. Không quét được? Chọn “Nhập mã” và gõ mã điểm ở trên.",
            "Cannot scan? Tap “Enter code” and type the code above.",
        ),
        (
            "3. Khi rời đi, bấm “Rời khỏi”.",
            "When you leave, tap “Check out”.",
        ),
    ];
    let mut y = fy + 9.0;
    for (vi, en) in steps {
        p.left(15.0, y, 3.9, Face::Bold, vi, inner);
        p.left(19.5, y + 4.6, 3.6, Face::Regular, en, inner - 4.5);
        y += 10.2;
    }
    Ok(p)
}

/// ID-1 card size.
const CARD_W: f32 = 85.6;
const CARD_H: f32 = 54.0;

/// The personal QR card.
pub(crate) fn card(code: &PersonalCode) -> Result<Page, RenderError> {
    let mut p = Page::new(CARD_W, CARD_H)?;
    p.frame(0.0, 0.0, CARD_W, CARD_H, 0.25);
    let matrix = qr_matrix(code.as_str())?;
    let side = 44.0;
    let module = side / matrix.width() as f32;
    let qx = (QUIET_ZONE as f32 * module).max(3.0);
    p.ops.push(Op::Qr {
        x: qx,
        y: (CARD_H - side) / 2.0,
        module,
        matrix,
    });

    let x = qx + side + QUIET_ZONE as f32 * module;
    let w = CARD_W - x - 2.5;
    let pl = code.payload();
    p.left(x, 8.5, 3.0, Face::Bold, "THẺ QR CÁ NHÂN", w);
    p.left(x, 12.0, 2.4, Face::Regular, "Personal QR card", w);
    p.left(x, 22.5, 8.0, Face::Bold, &pl.initials, w);
    let born = pl.birth_year.map_or_else(|| "—".to_owned(), |y| y.to_string());
    p.left(
        x,
        28.0,
        2.5,
        Face::Regular,
        &format!("Năm sinh / Born: {born}"),
        w,
    );
    let label = pl.status.label();
    p.left(x, 33.5, 2.6, Face::Bold, &label.vi, w);
    p.left(x, 36.8, 2.3, Face::Regular, &label.en, w);
    let vn = FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| chrono::Utc.fix());
    let until = pl
        .expires_at
        .with_timezone(&vn)
        .format("%d/%m/%Y %H:%M")
        .to_string();
    p.left(x, 42.0, 2.2, Face::Regular, "Hiệu lực đến / Valid until:", w);
    p.left(x, 45.3, 2.4, Face::Bold, &until, w);
    if !code.is_signed() {
        p.left(x, 50.5, 2.4, Face::Bold, "CHƯA XÁC NHẬN / PENDING", w);
    }
    Ok(p)
}
