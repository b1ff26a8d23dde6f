//! Pages to PDF: one page, vector only. QR modules are filled rectangles; text is drawn as the glyph
//! outlines of the embedded font, so the PDF needs no font and prints the same everywhere (the text is
//! therefore not selectable).

use ab_glyph::{Font, OutlineCurve, Point};
use pdf_writer::{Content, Finish, Pdf, Rect, Ref, TextStr};

use super::RenderError;
use super::layout::{Op, Page};

/// PostScript points per millimetre.
const PT: f32 = 72.0 / 25.4;

pub(crate) fn render(page: &Page, title: &str) -> Result<Vec<u8>, RenderError> {
    let (w, h) = (page.width * PT, page.height * PT);
    // Millimetres from the top-left to points from the bottom-left.
    let tx = |x: f32| x * PT;
    let ty = |y: f32| (page.height - y) * PT;
    let mut c = Content::new();
    c.set_fill_gray(0.0);
    for op in &page.ops {
        match op {
            Op::Fill { x, y, w, h } => {
                c.rect(tx(*x), ty(y + h), w * PT, h * PT);
                c.fill_nonzero();
            }
            Op::Qr { x, y, module, matrix } => {
                // One path of row runs, filled once (no seams between modules in most viewers).
                for my in 0..matrix.width() {
                    let mut mx = 0;
                    while mx < matrix.width() {
                        if !matrix.is_dark(mx, my) {
                            mx += 1;
                            continue;
                        }
                        let start = mx;
                        while mx < matrix.width() && matrix.is_dark(mx, my) {
                            mx += 1;
                        }
                        let x0 = x + start as f32 * module;
                        let y1 = y + (my + 1) as f32 * module;
                        c.rect(tx(x0), ty(y1), (mx - start) as f32 * module * PT, module * PT);
                    }
                }
                c.fill_nonzero();
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
                let k = size / upem;
                let (glyphs, _) = page.fonts.shape(*face, text);
                for g in glyphs {
                    let Some(outline) = font.outline(g.id) else {
                        continue;
                    };
                    let pen = x + g.x_em * size;
                    // Font units (y up) to page points.
                    let map = |p: Point| (tx(pen + p.x * k), ty(y - p.y * k));
                    let mut last: Option<Point> = None;
                    for curve in &outline.curves {
                        let start = match curve {
                            OutlineCurve::Line(p0, _)
                            | OutlineCurve::Quad(p0, _, _)
                            | OutlineCurve::Cubic(p0, ..) => *p0,
                        };
                        if last != Some(start) {
                            if last.is_some() {
                                c.close_path();
                            }
                            let (sx, sy) = map(start);
                            c.move_to(sx, sy);
                        }
                        let end = match curve {
                            OutlineCurve::Line(_, p1) => {
                                let (ex, ey) = map(*p1);
                                c.line_to(ex, ey);
                                *p1
                            }
                            OutlineCurve::Quad(p0, p1, p2) => {
                                let c1 = Point {
                                    x: p0.x + (p1.x - p0.x) * 2.0 / 3.0,
                                    y: p0.y + (p1.y - p0.y) * 2.0 / 3.0,
                                };
                                let c2 = Point {
                                    x: p2.x + (p1.x - p2.x) * 2.0 / 3.0,
                                    y: p2.y + (p1.y - p2.y) * 2.0 / 3.0,
                                };
                                let ((ax, ay), (bx, by), (ex, ey)) = (map(c1), map(c2), map(*p2));
                                c.cubic_to(ax, ay, bx, by, ex, ey);
                                *p2
                            }
                            OutlineCurve::Cubic(_, p1, p2, p3) => {
                                let ((ax, ay), (bx, by), (ex, ey)) = (map(*p1), map(*p2), map(*p3));
                                c.cubic_to(ax, ay, bx, by, ex, ey);
                                *p3
                            }
                        };
                        last = Some(end);
                    }
                    if last.is_some() {
                        c.close_path();
                        c.fill_nonzero();
                    }
                }
            }
        }
    }
    let content = c.finish();

    let (catalog, tree, page_id, content_id, info) =
        (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5));
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    {
        let mut pg = pdf.page(page_id);
        pg.parent(tree)
            .media_box(Rect::new(0.0, 0.0, w, h))
            .contents(content_id);
        pg.resources().finish();
    }
    pdf.stream(content_id, &content);
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("tokhai"));
    Ok(pdf.finish())
}
