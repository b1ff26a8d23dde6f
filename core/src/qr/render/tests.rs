//! Rendering tests: the QR version a long Vietnamese checkpoint reaches, and sign → render → decode
//! pixels (with `rqrr`, until the `scan` module lands) → verify, for bare codes, posters and cards.

use image::{GrayImage, imageops::FilterType};

use super::*;
use crate::clock::FixedClock;
use crate::ids::CheckpointId;
use crate::qr::tests::{checkpoint, dev_store, personal, t};
use crate::qr::{CheckpointPayload, dev, encode_pending_personal};
use crate::visit::CheckpointKind;

fn decode_gray(img: &GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(img.clone());
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}

fn decode_png(png: &[u8]) -> (GrayImage, Vec<String>) {
    let img = image::load_from_memory(png).unwrap().to_luma8();
    let codes = decode_gray(&img);
    (img, codes)
}

/// A 640×480 "photo" of a page: shrunk to fit, on a grey background, with uneven light and noise.
fn photo(page: &GrayImage) -> GrayImage {
    let (w, h) = (640u32, 480u32);
    let scale = (f64::from(w) / f64::from(page.width())).min(f64::from(h) / f64::from(page.height())) * 0.96;
    let (pw, ph) = (
        (f64::from(page.width()) * scale) as u32,
        (f64::from(page.height()) * scale) as u32,
    );
    let small = image::imageops::resize(page, pw, ph, FilterType::Triangle);
    let (ox, oy) = ((w - pw) / 2, (h - ph) / 2);
    let mut seed: u32 = 12_345;
    GrayImage::from_fn(w, h, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let noise = ((seed >> 16) % 17) as f32 - 8.0;
        let light = 0.75 + 0.25 * (x as f32 / w as f32); // darker on the left
        let base = if x >= ox && y >= oy && x < ox + pw && y < oy + ph {
            f32::from(small.get_pixel(x - ox, y - oy).0[0])
        } else {
            110.0
        };
        image::Luma([(base * light + noise).clamp(0.0, 255.0) as u8])
    })
}

fn long_vietnamese() -> CheckpointPayload {
    let name = "Trung tâm Thương mại Điện máy Nguyễn Kim, Tầng 3 Khu ẩm thực";
    let street = "123 Đường Nguyễn Thị Minh Khai, Phường 5";
    assert_eq!(name.chars().count(), 60);
    assert_eq!(street.chars().count(), 40);
    CheckpointPayload {
        id: CheckpointId(1_234_567),
        parent: Some(CheckpointId(1_234_500)),
        name: name.to_owned(),
        kind: CheckpointKind::Supermarket,
        ward: 26_740,
        street: street.to_owned(),
        default_stay_minutes: Some(120),
        issued_at: t(2025, 7, 1, 8, 0),
        valid_from: Some(t(2025, 7, 1, 0, 0)),
        valid_until: Some(t(2026, 7, 1, 0, 0)),
    }
}

#[test]
fn qr_version_of_a_long_vietnamese_checkpoint() {
    let signer = crate::qr::Signer::from_seed(crate::qr::KeyId(1), &[3; 32]).unwrap();
    let viscii = signer.sign_checkpoint(&long_vietnamese()).unwrap();
    let v = qr_version(viscii.as_str()).unwrap();
    // The same text with one character outside VISCII, so both fields fall back to UTF-8.
    let mut p = long_vietnamese();
    p.name = p.name.replacen(',', "–", 1);
    p.street = p.street.replacen(',', "–", 1);
    let utf8 = signer.sign_checkpoint(&p).unwrap();
    let v_utf8 = qr_version(utf8.as_str()).unwrap();
    println!(
        "60-char Vietnamese name + 40-char street, all fields: VISCII {} chars -> version {} ({}x{} modules); \
         UTF-8 {} chars -> version {}",
        viscii.as_str().len(),
        v,
        qr_matrix(viscii.as_str()).unwrap().width(),
        qr_matrix(viscii.as_str()).unwrap().width(),
        utf8.as_str().len(),
        v_utf8
    );
    assert!(v <= 13, "version {v}");
    let pers = dev::signer().unwrap().sign_personal(&personal()).unwrap();
    println!(
        "personal code: {} chars -> version {}",
        pers.as_str().len(),
        qr_version(pers.as_str()).unwrap()
    );
}

#[test]
fn bare_qr_png_and_svg_round_trip() {
    let code = dev::signer().unwrap().sign_checkpoint(&checkpoint()).unwrap();
    let (_, texts) = decode_png(&qr_png(code.as_str(), 4).unwrap());
    assert_eq!(texts, vec![code.as_str().to_owned()]);
    let clock = FixedClock::new(t(2025, 8, 1, 0, 0));
    assert!(dev_store().verify_checkpoint(&texts[0], &clock).is_ok());
    let svg = qr_svg(code.as_str()).unwrap();
    let w = qr_matrix(code.as_str()).unwrap().width() + 2 * QUIET_ZONE;
    assert!(svg.starts_with("<svg") && svg.contains(&format!("viewBox=\"0 0 {w} {w}\"")));
    assert_eq!(qr_png("x", 0), Err(RenderError::Resolution));
    assert_eq!(qr_svg(&"A".repeat(5000)), Err(RenderError::TooLong));
}

#[test]
fn poster_png_at_150_dpi_and_as_a_640x480_photo_decodes_and_verifies() {
    let code = dev::signer()
        .unwrap()
        .sign_checkpoint(&long_vietnamese())
        .unwrap();
    let text = PosterText {
        place: "Phường Bến Thành, Thành phố Hồ Chí Minh".to_owned(),
        building: String::new(),
    };
    let png = poster_png(&code, &text, 150).unwrap();
    let (page, texts) = decode_png(&png);
    assert_eq!((page.width(), page.height()), (1240, 1754));
    assert_eq!(texts, vec![code.as_str().to_owned()]);
    let clock = FixedClock::new(t(2025, 8, 1, 0, 0));
    let v = dev_store().verify_checkpoint(&texts[0], &clock).unwrap();
    assert_eq!(v.payload(), &long_vietnamese());
    let shot = photo(&page);
    let texts = decode_gray(&shot);
    assert_eq!(texts, vec![code.as_str().to_owned()], "640x480 photo");
    assert!(dev_store().verify_checkpoint(&texts[0], &clock).is_ok());
    if let Ok(dir) = std::env::var("TOKHAI_RENDER_OUT") {
        std::fs::write(format!("{dir}/poster.png"), &png).unwrap();
        shot.save(format!("{dir}/poster-photo.png")).unwrap();
        std::fs::write(format!("{dir}/poster.pdf"), poster_pdf(&code, &text).unwrap()).unwrap();
    }
}

#[test]
fn personal_card_decodes_and_verifies_signed_and_reads_pending() {
    let clock = FixedClock::new(t(2025, 7, 3, 0, 0));
    let signed = dev::signer().unwrap().sign_personal(&personal()).unwrap();
    let png = personal_card_png(&signed, 300).unwrap();
    let (card, texts) = decode_png(&png);
    assert_eq!((card.width(), card.height()), (1011, 638));
    assert_eq!(texts, vec![signed.as_str().to_owned()]);
    assert_eq!(
        dev_store().verify_personal(&texts[0], &clock).unwrap().payload(),
        &personal()
    );
    let shot = photo(&card);
    let texts = decode_gray(&shot);
    assert_eq!(texts, vec![signed.as_str().to_owned()], "640x480 photo");
    assert!(dev_store().verify_personal(&texts[0], &clock).is_ok());

    let pending = encode_pending_personal(&personal()).unwrap();
    let (_, texts) = decode_png(&personal_card_png(&pending, 300).unwrap());
    assert_eq!(
        dev_store().verify_personal(&texts[0], &clock),
        Err(crate::qr::QrError::Pending)
    );
    if let Ok(dir) = std::env::var("TOKHAI_RENDER_OUT") {
        std::fs::write(format!("{dir}/card.png"), &png).unwrap();
        std::fs::write(format!("{dir}/card.pdf"), personal_card_pdf(&signed).unwrap()).unwrap();
        std::fs::write(
            format!("{dir}/card-pending.png"),
            personal_card_png(&pending, 300).unwrap(),
        )
        .unwrap();
    }
}

#[test]
fn a_sub_checkpoints_poster_names_its_building() {
    let code = dev::signer().unwrap().sign_checkpoint(&checkpoint()).unwrap();
    let texts = |building: &str| -> Vec<String> {
        let text = PosterText {
            place: "Phường Tân Định, Thành phố Hồ Chí Minh".to_owned(),
            building: building.to_owned(),
        };
        super::layout::poster(&code, &text)
            .unwrap()
            .ops
            .into_iter()
            .filter_map(|op| match op {
                super::layout::Op::Text { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    };
    let with = texts("Bệnh viện Đa khoa Quận 1");
    assert!(with.iter().any(|t| t == "Bệnh viện Đa khoa Quận 1"), "{with:?}");
    assert!(with.iter().any(|t| t.starts_with("Phường Tân Định")), "{with:?}");
    let without = texts("");
    assert_eq!(
        without.len() + 1,
        with.len(),
        "one line more, nothing else changes"
    );
}

#[test]
fn pdfs_are_one_page_vector_documents_of_the_right_size() {
    let code = dev::signer().unwrap().sign_checkpoint(&checkpoint()).unwrap();
    let pdf = poster_pdf(
        &code,
        &PosterText {
            place: "Phường Tân Định".to_owned(),
            building: String::new(),
        },
    )
    .unwrap();
    let s = String::from_utf8_lossy(&pdf);
    assert!(s.starts_with("%PDF-"));
    assert!(s.contains("/MediaBox [0 0 595.27"), "A4");
    assert!(s.contains("/Count 1"));
    assert!(!s.contains("/Font"), "text is outlines, no font needed");
    let card = personal_card_pdf(&dev::signer().unwrap().sign_personal(&personal()).unwrap()).unwrap();
    assert!(
        String::from_utf8_lossy(&card).contains("/MediaBox [0 0 242.6"),
        "ID-1"
    );
    assert_eq!(
        poster_png(&code, &PosterText::default(), 10),
        Err(RenderError::Resolution)
    );
}
