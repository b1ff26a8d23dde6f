//! Vietnam's telephone numbering plan, as far as tokhai checks it: which national significant numbers
//! (NSN, the digits after +84) can belong to a person. This file is the one place these facts live.
//!
//! Sources (Bộ Thông tin và Truyền thông, Ministry of Information and Communications):
//! - Thông tư 22/2014/TT-BTTTT (22 Dec 2014), "Quy hoạch kho số viễn thông" — the national numbering
//!   plan: mobile numbers under the prefixes 3, 5, 7, 8, 9 (after the trunk 0), fixed lines under 2.
//! - Thông tư 15/2017/TT-BTTTT (23 Jun 2017), amending Circular 22/2014, and Quyết định 2036/QĐ-BTTTT
//!   (18 Nov 2015) with its 2017 schedule: the fixed-line area codes of the 63 provinces moved to
//!   `02x` / `02xx` (phases of 11 Feb, 15 Apr and 17 Jun 2017). The area codes below are that list.
//!   After the 1 July 2025 merger of provinces the Ministry kept every area code unchanged, so a
//!   number of a former province still dials with its old code.
//! - Quyết định 798/QĐ-BTTTT (25 May 2018): the 11-digit mobile prefixes `01xx` converted to 10-digit
//!   `03x`, `05x`, `07x`, `08x` between 15 Sep and 30 Nov 2018 (the subscriber's last 7 digits kept).
//! - Blocks assigned later by the Ministry and in use today: `052` (Vietnamobile), `055` (Reddi),
//!   `087` (iTel), `089` (MobiFone).
//!
//! `1800` (free to the caller) and `1900` (premium) are service numbers: no one's own phone.
//! The check is at the level of the blocks the plan assigns (3 digits of a mobile number with its 0,
//! the area code of a fixed line), not each carrier's sub-ranges: a carrier fills its block over the
//! years, and a real number refused is worse than an unused one accepted (the one-time code proves it).

/// Mobile blocks in use: the first two digits of the NSN (the `0` + these two is what people call the
/// "đầu số"), and the network. Every other `3x`, `5x`, `7x`, `8x`, `9x` is unassigned (`030`, `031`,
/// `050`, `051`, `053`, `054`, `057`, `071`–`075`, `080`, `095`).
pub(super) const MOBILE_BLOCKS: &[(&str, &str)] = &[
    ("32", "Viettel"),
    ("33", "Viettel"),
    ("34", "Viettel"),
    ("35", "Viettel"),
    ("36", "Viettel"),
    ("37", "Viettel"),
    ("38", "Viettel"),
    ("39", "Viettel"),
    ("52", "Vietnamobile"),
    ("55", "Reddi"),
    ("56", "Vietnamobile"),
    ("58", "Vietnamobile"),
    ("59", "Gmobile"),
    ("70", "MobiFone"),
    ("76", "MobiFone"),
    ("77", "MobiFone"),
    ("78", "MobiFone"),
    ("79", "MobiFone"),
    ("81", "VinaPhone"),
    ("82", "VinaPhone"),
    ("83", "VinaPhone"),
    ("84", "VinaPhone"),
    ("85", "VinaPhone"),
    ("86", "Viettel"),
    ("87", "iTel"),
    ("88", "VinaPhone"),
    ("89", "MobiFone"),
    ("90", "MobiFone"),
    ("91", "VinaPhone"),
    ("92", "Vietnamobile"),
    ("93", "MobiFone"),
    ("94", "VinaPhone"),
    ("96", "Viettel"),
    ("97", "Viettel"),
    ("98", "Viettel"),
    ("99", "Gmobile"),
];

/// The 11-digit mobile prefixes converted in 2018 (Quyết định 798/QĐ-BTTTT), as written at home: old
/// prefix (then 7 digits) → new prefix (then the same 7 digits).
pub(super) const CONVERTED_2018: &[(&str, &str)] = &[
    // Viettel
    ("0162", "032"),
    ("0163", "033"),
    ("0164", "034"),
    ("0165", "035"),
    ("0166", "036"),
    ("0167", "037"),
    ("0168", "038"),
    ("0169", "039"),
    // MobiFone
    ("0120", "070"),
    ("0121", "079"),
    ("0122", "077"),
    ("0126", "076"),
    ("0128", "078"),
    // VinaPhone
    ("0123", "083"),
    ("0124", "084"),
    ("0125", "085"),
    ("0127", "081"),
    ("0129", "082"),
    // Vietnamobile
    ("0186", "056"),
    ("0188", "058"),
    // Gmobile
    ("0199", "059"),
];

/// Service-number prefixes of the NSN (`1800`, `1900`).
pub(super) const SERVICE_PREFIXES: &[&str] = &["1800", "1900"];

/// Fixed-line area codes (NSN prefix, i.e. without the `0`) and the province of the 2017 plan. Hà Nội
/// and Hồ Chí Minh City have two-digit codes and 8-digit subscriber numbers; every other province a
/// three-digit code and 7 digits. Every fixed-line NSN has 10 digits.
pub(super) const AREA_CODES: &[(&str, &str)] = &[
    ("24", "Hà Nội"),
    ("28", "Hồ Chí Minh"),
    ("203", "Quảng Ninh"),
    ("204", "Bắc Giang"),
    ("205", "Lạng Sơn"),
    ("206", "Cao Bằng"),
    ("207", "Tuyên Quang"),
    ("208", "Thái Nguyên"),
    ("209", "Bắc Kạn"),
    ("210", "Phú Thọ"),
    ("211", "Vĩnh Phúc"),
    ("212", "Sơn La"),
    ("213", "Lai Châu"),
    ("214", "Lào Cai"),
    ("215", "Điện Biên"),
    ("216", "Yên Bái"),
    ("218", "Hòa Bình"),
    ("219", "Hà Giang"),
    ("220", "Hải Dương"),
    ("221", "Hưng Yên"),
    ("222", "Bắc Ninh"),
    ("225", "Hải Phòng"),
    ("226", "Hà Nam"),
    ("227", "Thái Bình"),
    ("228", "Nam Định"),
    ("229", "Ninh Bình"),
    ("232", "Quảng Bình"),
    ("233", "Quảng Trị"),
    ("234", "Thừa Thiên Huế"),
    ("235", "Quảng Nam"),
    ("236", "Đà Nẵng"),
    ("237", "Thanh Hóa"),
    ("238", "Nghệ An"),
    ("239", "Hà Tĩnh"),
    ("251", "Đồng Nai"),
    ("252", "Bình Thuận"),
    ("254", "Bà Rịa - Vũng Tàu"),
    ("255", "Quảng Ngãi"),
    ("256", "Bình Định"),
    ("257", "Phú Yên"),
    ("258", "Khánh Hòa"),
    ("259", "Ninh Thuận"),
    ("260", "Kon Tum"),
    ("261", "Đắk Nông"),
    ("262", "Đắk Lắk"),
    ("263", "Lâm Đồng"),
    ("269", "Gia Lai"),
    ("270", "Vĩnh Long"),
    ("271", "Bình Phước"),
    ("272", "Long An"),
    ("273", "Tiền Giang"),
    ("274", "Bình Dương"),
    ("275", "Bến Tre"),
    ("276", "Tây Ninh"),
    ("277", "Đồng Tháp"),
    ("290", "Cà Mau"),
    ("291", "Bạc Liêu"),
    ("292", "Cần Thơ"),
    ("293", "Hậu Giang"),
    ("294", "Trà Vinh"),
    ("296", "An Giang"),
    ("297", "Kiên Giang"),
    ("299", "Sóc Trăng"),
];

/// Length of an NSN: 9 digits for a mobile, 10 for a fixed line.
pub(super) const MOBILE_NSN_DIGITS: usize = 9;
/// Length of a fixed-line NSN.
pub(super) const LANDLINE_NSN_DIGITS: usize = 10;

/// What the plan says of the start of an NSN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Block {
    /// A mobile block in use.
    Mobile,
    /// A fixed line with a known area code.
    Landline,
    /// An 11-digit mobile prefix converted in 2018: the old prefix and the new one, as written ("0168",
    /// "038").
    Converted(&'static str, &'static str),
    /// A 1800/1900 service number.
    Service,
    /// The shape of a mobile or fixed-line number, but no network or province holds the block.
    Unassigned,
    /// Not a prefix of the plan at all.
    Unknown,
    /// Too few digits to tell.
    TooShort,
}

/// Classifies the start of `nsn` (ASCII digits).
pub(super) fn block(nsn: &str) -> Block {
    let Some(first) = nsn.as_bytes().first() else {
        return Block::TooShort;
    };
    match first {
        b'3' | b'5' | b'7' | b'8' | b'9' => match nsn.get(..2) {
            None => Block::TooShort,
            Some(head) if MOBILE_BLOCKS.iter().any(|(b, _)| *b == head) => Block::Mobile,
            Some(_) => Block::Unassigned,
        },
        b'2' => {
            let known = |n: usize| {
                nsn.get(..n)
                    .is_some_and(|h| AREA_CODES.iter().any(|(a, _)| *a == h))
            };
            if known(2) || known(3) {
                Block::Landline
            } else if nsn.len() < 3 {
                Block::TooShort
            } else {
                Block::Unassigned
            }
        }
        b'1' => {
            let converted = CONVERTED_2018
                .iter()
                .find(|(old, _)| old.get(1..).is_some_and(|o| nsn.starts_with(o)));
            if let Some(&(old, new)) = converted {
                Block::Converted(old, new)
            } else if SERVICE_PREFIXES.iter().any(|p| nsn.starts_with(p)) {
                Block::Service
            } else {
                Block::Unknown
            }
        }
        _ => Block::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_consistent() {
        // 63 provinces of the 2017 plan, each code once; no area code is a prefix of another.
        assert_eq!(AREA_CODES.len(), 63);
        for (i, (a, _)) in AREA_CODES.iter().enumerate() {
            assert!(a.starts_with('2') && a.bytes().all(|b| b.is_ascii_digit()), "{a}");
            for (b, _) in AREA_CODES.iter().skip(i + 1) {
                assert!(!a.starts_with(b) && !b.starts_with(a), "{a} {b}");
            }
        }
        // Every converted prefix lands on a block in use, and no two old prefixes share a new one.
        for (i, (old, new)) in CONVERTED_2018.iter().enumerate() {
            let new_nsn = format!("{}1234567", new.get(1..).unwrap_or_default());
            assert_eq!(block(&new_nsn), Block::Mobile, "{old}");
            assert!(
                CONVERTED_2018
                    .iter()
                    .skip(i + 1)
                    .all(|(o, n)| o != old && n != new)
            );
        }
        let blocks: std::collections::HashSet<_> = MOBILE_BLOCKS.iter().map(|(b, _)| b).collect();
        assert_eq!(blocks.len(), MOBILE_BLOCKS.len());
    }

    #[test]
    fn blocks() {
        let cases = [
            ("912345678", Block::Mobile),
            ("312345678", Block::Unassigned),
            ("951234567", Block::Unassigned),
            ("2438251234", Block::Landline),
            ("2033825123", Block::Landline),
            ("2003825123", Block::Unassigned),
            ("2", Block::TooShort),
            ("20", Block::TooShort),
            ("9", Block::TooShort),
            ("1681234567", Block::Converted("0168", "038")),
            ("1800123456", Block::Service),
            ("1900571234", Block::Service),
            ("1111", Block::Unknown),
            ("1234", Block::Converted("0123", "083")),
            ("412345678", Block::Unknown),
            ("", Block::TooShort),
        ];
        for (nsn, want) in cases {
            assert_eq!(block(nsn), want, "{nsn}");
        }
    }
}
