//! Pages to grey pixels (white paper, black ink, anti-aliased text) and PNG.

use ab_glyph::{Font, PxScale, ScaleFont, point};
use image::{GrayImage, ImageFormat};

use super::RenderError;
use super::layout::{Op, Page};

/// Pixels per millimetre at `dpi`.
fn per_mm(dpi: f32) -> f32 {
    dpi / 25.4
}

/// Rasterises a page at `dpi`.
pub(crate) fn rasterise(page: &Page, dpi: f32) -> Result<GrayImage, RenderError> {
    let s = per_mm(dpi);
    let (w, h) = ((page.width * s).round() as u32, (page.height * s).round() as u32);
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > 200_000_000 {
        return Err(RenderError::Resolution);
    }
    let mut img = GrayImage::from_pixel(w, h, image::Luma([255]));
    let fill = |img: &mut GrayImage, x0: f32, y0: f32, x1: f32, y1: f32| {
        let (px0, py0) = ((x0 * s).round().max(0.0) as u32, (y0 * s).round().max(0.0) as u32);
        let px1 = ((x1 * s).round() as u32).max(px0 + 1).min(img.width());
        let py1 = ((y1 * s).round() as u32).max(py0 + 1).min(img.height());
        for y in py0..py1 {
            for x in px0..px1 {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
    };
    for op in &page.ops {
        match op {
            Op::Fill { x, y, w, h } => fill(&mut img, *x, *y, x + w, y + h),
            Op::Qr { x, y, module, matrix } => {
                for my in 0..matrix.width() {
                    for mx in 0..matrix.width() {
                        if matrix.is_dark(mx, my) {
                            let (x0, y0) = (x + mx as f32 * module, y + my as f32 * module);
                            fill(&mut img, x0, y0, x0 + module, y0 + module);
                        }
                    }
                }
            }
            Op::Text {
                x,
                y,
                size,
                face,
                text,
            } => {
                let font = page.fonts.face(*face);
                let upem = font.units_per_em().unwrap_or(2048.0);
                let em_px = size * s;
                let scale = PxScale::from(em_px * font.height_unscaled() / upem);
                let scaled = font.as_scaled(scale);
                let (glyphs, _) = page.fonts.shape(*face, text);
                for g in glyphs {
                    let glyph =
                        g.id.with_scale_and_position(scale, point((x + g.x_em * size) * s, y * s));
                    let Some(outlined) = scaled.outline_glyph(glyph) else {
                        continue;
                    };
                    let b = outlined.px_bounds();
                    outlined.draw(|gx, gy, c| {
                        let (px, py) = (b.min.x as i64 + i64::from(gx), b.min.y as i64 + i64::from(gy));
                        let (Ok(px), Ok(py)) = (u32::try_from(px), u32::try_from(py)) else {
                            return;
                        };
                        if let Some(p) = img.get_pixel_mut_checked(px, py) {
                            p.0[0] = (f32::from(p.0[0]) * (1.0 - c.clamp(0.0, 1.0))).round() as u8;
                        }
                    });
                }
            }
        }
    }
    Ok(img)
}

/// Rasterises a page at `dpi` and encodes it as PNG.
pub(crate) fn png(page: &Page, dpi: f32) -> Result<Vec<u8>, RenderError> {
    let img = rasterise(page, dpi)?;
    to_png(&img)
}

fn to_png(img: &GrayImage) -> Result<Vec<u8>, RenderError> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .map_err(|_| RenderError::Png)?;
    Ok(out.into_inner())
}

/// Encodes grey pixels (row by row) as PNG.
pub(crate) fn encode_png(width: usize, height: usize, pixels: Vec<u8>) -> Result<Vec<u8>, RenderError> {
    let (w, h) = (
        u32::try_from(width).map_err(|_| RenderError::Resolution)?,
        u32::try_from(height).map_err(|_| RenderError::Resolution)?,
    );
    let img = GrayImage::from_raw(w, h, pixels).ok_or(RenderError::Png)?;
    to_png(&img)
}
