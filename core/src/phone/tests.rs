use proptest::prelude::*;

use super::plan::{AREA_CODES, MOBILE_BLOCKS};
use super::*;
use crate::i18n::Localized;

/// Every written and pasted form, and the E.164 it must give.
#[test]
fn accepts_the_forms_people_type_and_paste() {
    let cases = [
        // At home, with the separators people use.
        ("0912 345 678", "+84912345678"),
        ("0912345678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("0912-345-678", "+84912345678"),
        ("0912/345/678", "+84912345678"),
        ("(091) 234 5678", "+84912345678"),
        ("  0912\u{a0}345\t678  ", "+84912345678"),
        ("912345678", "+84912345678"),
        // With the country code, with or without "+", with or without the trunk 0.
        ("+84912345678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("84 912 345 678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("(+84) 912-345-678", "+84912345678"),
        ("0084 912 345 678", "+84912345678"),
        ("+84 0912 345 678", "+84912345678"),
        ("+84 (0) 912 345 678", "+84912345678"),
        ("0084 0912 345 678", "+84912345678"),
        ("84 0912 345 678", "+84912345678"),
        ("840912345678", "+84912345678"),
        ("(84) 0912 345 678", "+84912345678"),
        ("(84) 912 345 678", "+84912345678"),
        ("(+84) 0912 345 678", "+84912345678"),
        // Full-width digits and signs (East Asian keyboards), ideographic and other Unicode spaces.
        ("０９１２３４５６７８", "+84912345678"),
        ("＋８４　９１２　３４５　６７８", "+84912345678"),
        ("（０２４）３８２５　１２３４", "+842438251234"),
        ("0912\u{2009}345\u{202f}678", "+84912345678"),
        // Unicode dashes and the minus sign.
        ("0912\u{2013}345\u{2013}678", "+84912345678"),
        ("0912\u{2014}345\u{2014}678", "+84912345678"),
        ("0912\u{2212}345\u{2212}678", "+84912345678"),
        ("0912\u{2010}345\u{2011}678", "+84912345678"),
        ("0912\u{2012}345\u{ff0d}678", "+84912345678"),
        // Invisible characters from copied pages and contact cards.
        ("\u{200b}0912\u{200b}345\u{200b}678", "+84912345678"),
        ("\u{200e}+84 912 345 678\u{200f}", "+84912345678"),
        ("\u{202a}0912 345 678\u{202c}", "+84912345678"),
        ("\u{2066}0912 345 678\u{2069}", "+84912345678"),
        ("\u{feff}0912345678", "+84912345678"),
        ("0912\u{ad}345\u{ad}678", "+84912345678"),
        ("0912\u{2060}345\u{200d}678", "+84912345678"),
        // Every network's blocks.
        ("0321 234 567", "+84321234567"),
        ("0521234567", "+84521234567"),
        ("0551234567", "+84551234567"),
        ("0561234567", "+84561234567"),
        ("0591234567", "+84591234567"),
        ("0701234567", "+84701234567"),
        ("0791234567", "+84791234567"),
        ("0811234567", "+84811234567"),
        ("0841234567", "+84841234567"),
        ("841234567", "+84841234567"),
        ("0871234567", "+84871234567"),
        ("0891234567", "+84891234567"),
        ("0921234567", "+84921234567"),
        ("0981234567", "+84981234567"),
        ("0991234567", "+84991234567"),
        // Fixed lines: two-digit (Hà Nội, Hồ Chí Minh City) and three-digit area codes.
        ("024 3825 1234", "+842438251234"),
        ("(028) 3829 1234", "+842838291234"),
        ("0203 382 5123", "+842033825123"),
        ("0299.382.5123", "+842993825123"),
        ("+84 24 3825 1234", "+842438251234"),
        ("84 24 3825 1234", "+842438251234"),
        ("84 024 3825 1234", "+842438251234"),
        ("(84) 0236 382 5123", "+842363825123"),
        ("0084 (0)24 3825 1234", "+842438251234"),
    ];
    for (input, e164) in cases {
        let phone = Phone::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(phone.as_e164(), e164, "{input:?}");
        let kind = if e164.starts_with("+842") {
            PhoneKind::Landline
        } else {
            PhoneKind::Mobile
        };
        assert_eq!(phone.kind(), kind, "{input:?}");
        // The E.164 and the national form parse to the same number.
        assert_eq!(Phone::parse(phone.as_e164()).unwrap(), phone);
        assert_eq!(Phone::parse(&phone.national()).unwrap(), phone);
    }
}

#[test]
fn refuses_bad_numbers_with_a_precise_error() {
    use PhoneError::*;
    let old = |old, new| OldMobileNumber { old, new };
    let cases = [
        ("", Empty),
        ("   ", Empty),
        ("()-./", Empty),
        ("\u{200b}\u{feff}", Empty),
        ("0912abc678", Letters),
        ("không có", Letters),
        ("０９１２ａｂｃ", Letters),
        ("0912#345678", Characters),
        ("0912*345678", Characters),
        ("0912 345 678 +", Characters),
        ("++84912345678", Characters),
        ("0912_345_678", Characters),
        ("+1 202 555 0123", NotVietnamese),
        ("001 202 555 0123", NotVietnamese),
        ("+856 20 5555 1234", NotVietnamese),
        ("0012345678", NotVietnamese),
        // The old 11-digit mobile numbers, each with its new prefix.
        ("01234567890", old("0123", "083")),
        ("+841234567890", old("0123", "083")),
        ("0168 123 4567", old("0168", "038")),
        ("0120 123 4567", old("0120", "070")),
        ("0121 123 4567", old("0121", "079")),
        ("0186 123 4567", old("0186", "056")),
        ("0199 123 4567", old("0199", "059")),
        ("84 169 123 4567", old("0169", "039")),
        // Service numbers are not the old-number case.
        ("1800 123 456", ServiceNumber),
        ("1800 1234", ServiceNumber),
        ("1900 571 234", ServiceNumber),
        ("+84 1900 571 234", ServiceNumber),
        // 01x prefixes that were never mobile blocks, and first digits no number has.
        ("0111 234 5678", Prefix),
        ("0130 123 4567", Prefix),
        ("113", Prefix),
        ("0412345678", Prefix),
        ("0612345678", Prefix),
        // The shape of a number, but no network or province holds the block.
        ("0301234567", Unassigned),
        ("0311234567", Unassigned),
        ("0501234567", Unassigned),
        ("0511234567", Unassigned),
        ("0531234567", Unassigned),
        ("0541234567", Unassigned),
        ("0571234567", Unassigned),
        ("0711234567", Unassigned),
        ("0751234567", Unassigned),
        ("0801234567", Unassigned),
        ("0951234567", Unassigned),
        ("0200 382 5123", Unassigned),
        ("0217 382 5123", Unassigned),
        ("0223 382 5123", Unassigned),
        ("0253 382 5123", Unassigned),
        ("0298 382 5123", Unassigned),
        ("+84 21 7382 5123", Unassigned),
        // Wrong length for the prefix.
        ("0", Length { expected: 9 }),
        ("09", Length { expected: 9 }),
        ("02", Length { expected: 10 }),
        ("091234567", Length { expected: 9 }),
        ("09123456789", Length { expected: 9 }),
        ("+8491234567", Length { expected: 9 }),
        ("024 3825 123", Length { expected: 10 }),
        ("024 3825 12345", Length { expected: 10 }),
        ("0912 345 678 0912 345 678", Length { expected: 9 }),
        ("0912345678 / 0987654321", Length { expected: 9 }),
    ];
    for (input, want) in cases {
        assert_eq!(Phone::parse(input), Err(want), "{input:?}");
    }
}

#[test]
fn one_time_codes_need_a_mobile_number() {
    assert_eq!(
        Phone::parse_mobile("0912 345 678").unwrap().as_e164(),
        "+84912345678"
    );
    for landline in ["024 3825 1234", "+84 236 382 5123", "(028) 3829 1234"] {
        assert!(Phone::parse(landline).is_ok());
        assert_eq!(
            Phone::parse_mobile(landline),
            Err(PhoneError::NotMobile),
            "{landline}"
        );
    }
    // Other refusals stay what they are.
    assert_eq!(
        Phone::parse_mobile("1800 123 456"),
        Err(PhoneError::ServiceNumber)
    );
    assert_eq!(Phone::parse_mobile(""), Err(PhoneError::Empty));
}

#[test]
fn errors_are_localized_without_the_input() {
    let all = [
        PhoneError::Empty,
        PhoneError::Letters,
        PhoneError::Characters,
        PhoneError::NotVietnamese,
        PhoneError::OldMobileNumber {
            old: "0168",
            new: "038",
        },
        PhoneError::ServiceNumber,
        PhoneError::Prefix,
        PhoneError::Unassigned,
        PhoneError::Length { expected: 9 },
        PhoneError::NotMobile,
    ];
    let codes: std::collections::HashSet<_> = all.iter().map(Localized::code).collect();
    assert_eq!(codes.len(), all.len());
    for e in all {
        let msg = e.msg();
        assert!(!msg.vi.is_empty() && !msg.en.is_empty() && msg.vi != msg.en);
    }
    assert!(PhoneError::Length { expected: 9 }.msg().en.contains("10 digits"));
    let old = PhoneError::OldMobileNumber {
        old: "0168",
        new: "038",
    }
    .msg();
    assert!(old.vi.contains("0168") && old.vi.contains("038") && old.en.contains("038"));
}

#[test]
fn national_form_groups_digits() {
    let cases = [
        ("+84912345678", "0912 345 678"),
        ("+842438251234", "024 3825 1234"),
        ("+842838291234", "028 3829 1234"),
        ("+842033825123", "0203 382 5123"),
    ];
    for (e164, national) in cases {
        assert_eq!(Phone::parse(e164).unwrap().national(), national);
    }
}

#[test]
fn serde_round_trip_validates() {
    let phone = Phone::parse("0912 345 678").unwrap();
    let json = serde_json::to_string(&phone).unwrap();
    assert_eq!(json, r#""+84912345678""#);
    assert_eq!(serde_json::from_str::<Phone>(&json).unwrap(), phone);
    assert!(serde_json::from_str::<Phone>(r#""12""#).is_err());
    assert_eq!("0912345678".parse::<Phone>().unwrap().to_string(), "+84912345678");
}

/// A valid NSN: a mobile block + 7 digits, or an area code + digits up to 10.
fn nsn() -> impl Strategy<Value = String> {
    let mobile = (prop::sample::select(MOBILE_BLOCKS.to_vec()), "[0-9]{7}")
        .prop_map(|((block, _), rest)| format!("{block}{rest}"));
    let landline = (prop::sample::select(AREA_CODES.to_vec()), "[0-9]{8}")
        .prop_map(|((area, _), rest)| format!("{area}{}", &rest[..10 - area.len()]));
    prop_oneof![mobile, landline]
}

/// What people put between digits.
const SEPARATORS: &[&str] = &[
    "", "", "", " ", " ", ".", "-", "/", "\u{a0}", "\u{3000}", "\u{2013}", "\u{2212}", "\u{200b}",
    "\u{200e}", "\u{feff}", "\u{ad}", "\u{2009}",
];

/// Full-width form of ASCII digits and signs.
fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics_and_what_is_accepted_round_trips(text in any::<String>()) {
        if let Ok(phone) = Phone::parse(&text) {
            prop_assert!(phone.as_e164().starts_with("+84"));
            prop_assert!(matches!(phone.as_e164().len(), 12 | 13));
            prop_assert_eq!(Phone::parse(phone.as_e164()), Ok(phone.clone()));
            prop_assert_eq!(Phone::parse(&phone.national()), Ok(phone));
        }
    }

    #[test]
    fn every_written_form_of_a_number_gives_the_same_e164(
        nsn in nsn(),
        prefix in prop::sample::select(vec![
            "0", "", "+84", "+84 ", "+84 0", "+84 (0) ", "84 ", "84 0", "(84) 0", "(84) ", "(+84) ",
            "(+84) 0", "0084 ", "0084 0", "\u{200e}+84\u{00a0}", "\u{feff}0",
        ]),
        cuts in prop::collection::vec(prop::sample::select(SEPARATORS.to_vec()), 10),
        wide in any::<bool>(),
    ) {
        let mut text = prefix.to_owned();
        for (digit, sep) in nsn.chars().zip(&cuts) {
            text.push(digit);
            text.push_str(sep);
        }
        let text = if wide { full_width(&text) } else { text };
        let phone = Phone::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(phone.as_e164(), format!("+84{nsn}"));
        prop_assert_eq!(Phone::parse(phone.as_e164()), Ok(phone.clone()));
        prop_assert_eq!(Phone::parse(&phone.national()), Ok(phone));
    }
}
