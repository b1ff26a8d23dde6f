use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::clock::{Clock, FixedClock};
use crate::i18n::Localized;
use crate::ids::PersonId;
use crate::phone::Phone;

/// 1 August 2025, 09:00 in Vietnam.
fn clock() -> FixedClock {
    FixedClock::new(Utc.with_ymd_and_hms(2025, 8, 1, 2, 0, 0).unwrap())
}

/// A complete, valid form: a man born in 1990 in Hà Nội with a CCCD, living in Phường Hoàn Kiếm.
fn form() -> DeclarationForm {
    DeclarationForm {
        full_name: "nguyễn văn an".into(),
        id_number: "001090012345".into(),
        birth_year: "1990".into(),
        sex: "nam".into(),
        address: AddressForm {
            province: "01".into(),
            ward: "70".into(),
            street: "12 Hàng Bạc".into(),
            ..Default::default()
        },
        phone: "0912 345 678".into(),
        ..Default::default()
    }
}

fn check(form: &DeclarationForm) -> Result<Declaration, ValidationErrors> {
    validate(form, &ValidationContext::new(&clock(), Relation::Myself))
}

/// The `(field, code)` pairs of a form's errors, or an empty list when it is valid.
fn codes(form: &DeclarationForm) -> Vec<(String, &'static str)> {
    match check(form) {
        Ok(_) => Vec::new(),
        Err(e) => e.errors.iter().map(|e| (e.field.clone(), e.code())).collect(),
    }
}

/// What a case expects: a value, or one error `(field, code)`.
type Expect<T> = Result<T, (&'static str, &'static str)>;

/// Runs `edit` on a valid form and expects either the value `get` extracts or one error on `field`.
fn table<T: std::fmt::Debug + PartialEq>(
    cases: &[(&str, Expect<T>)],
    edit: impl Fn(&mut DeclarationForm, &str),
    get: impl Fn(&Declaration) -> T,
) {
    for (input, want) in cases {
        let mut f = form();
        edit(&mut f, input);
        match (check(&f), want) {
            (Ok(d), Ok(want)) => assert_eq!(&get(&d), want, "{input:?}"),
            (Err(e), Err((field, code))) => {
                assert_eq!(e.codes(), vec![(*field, *code)], "{input:?}");
            }
            (got, want) => panic!("{input:?}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn the_base_form_is_valid() {
    let d = check(&form()).unwrap();
    assert_eq!(d.full_name, "NGUYỄN VĂN AN");
    assert_eq!(d.id_number, IdNumber::Cccd("001090012345".into()));
    assert_eq!(d.birth_year, 1990);
    assert_eq!(d.sex, Sex::Male);
    assert_eq!(d.nationality, "VN");
    assert_eq!(
        d.address,
        Address {
            scheme: UnitScheme::V2025,
            province: 1,
            district: None,
            ward: 70,
            street: "12 Hàng Bạc".into()
        }
    );
    assert_eq!(d.phone, "+84912345678");
    assert_eq!(d.email, None);
    assert!(d.travel.is_empty() && d.chronic_conditions.is_empty() && d.pregnant.is_none());
    assert!(!d.has_symptoms() && !d.has_exposure());
}

#[test]
fn full_name() {
    let long = "a".repeat(81);
    table(
        &[
            ("nguyễn văn an", Ok("NGUYỄN VĂN AN".to_string())),
            ("  Trần   Thị\tBích  ", Ok("TRẦN THỊ BÍCH".into())),
            ("Đặng Thùy Trâm", Ok("ĐẶNG THÙY TRÂM".into())),
            ("đỗ ngọc ánh", Ok("ĐỖ NGỌC ÁNH".into())),
            // Decomposed diacritics (as some keyboards send them) are composed (NFC).
            ("Nguye\u{302}\u{303}n Va\u{306}n", Ok("NGUYỄN VĂN".into())),
            ("Lê Thị Hồng-Nhung", Ok("LÊ THỊ HỒNG-NHUNG".into())),
            ("O’Neil", Ok("O'NEIL".into())),
            ("H'Hen Niê", Ok("H'HEN NIÊ".into())),
            ("李小龍", Ok("李小龍".into())),
            ("Ư", Err(("full_name", "too_short"))),
            ("", Err(("full_name", "required"))),
            ("   ", Err(("full_name", "required"))),
            ("Nguyễn Văn 2", Err(("full_name", "name_characters"))),
            ("An\nBình", Err(("full_name", "name_characters"))),
            ("An - Bình", Err(("full_name", "name_characters"))),
            ("An@Bình", Err(("full_name", "name_characters"))),
            (&long, Err(("full_name", "too_long"))),
        ],
        |f, v| f.full_name = v.into(),
        |d| d.full_name.clone(),
    );
}

#[test]
fn id_number_for_an_adult_vietnamese_man_born_1990() {
    use IdNumber::*;
    let cases: &[(&str, &str, Expect<IdNumber>)] = &[
        ("", "123456789", Ok(Cmnd("123456789".into()))),
        ("", "123 456 789", Ok(Cmnd("123456789".into()))),
        ("CMND", "123456789", Ok(Cmnd("123456789".into()))),
        ("", "001090012345", Ok(Cccd("001090012345".into()))),
        ("căn cước", "001.090.012.345", Ok(Cccd("001090012345".into()))),
        ("", "079090000001", Ok(Cccd("079090000001".into()))),
        ("", "C1234567", Ok(Passport("C1234567".into()))),
        ("hộ chiếu", "c 1234567", Ok(Passport("C1234567".into()))),
        ("", "", Err(("id_number", "id_required_from_14"))),
        ("chưa có", "", Err(("id_kind", "id_required_from_14"))),
        ("", "12345678", Err(("id_number", "id_format"))),
        ("", "12345678901", Err(("id_number", "id_format"))),
        ("", "12#45678", Err(("id_number", "id_format"))),
        ("", "AB12", Err(("id_number", "id_format"))),
        ("cmnd", "12345", Err(("id_number", "cmnd_format"))),
        ("cmnd", "001090012345", Err(("id_number", "cmnd_format"))),
        ("cccd", "123456789", Err(("id_number", "cccd_format"))),
        ("passport", "AB12", Err(("id_number", "passport_format"))),
        (
            "passport",
            "AB123456",
            Err(("id_number", "vietnamese_passport_format")),
        ),
        (
            "passport",
            "123456789",
            Err(("id_number", "vietnamese_passport_format")),
        ),
        ("", "003090012345", Err(("id_number", "cccd_province"))),
        ("", "097090012345", Err(("id_number", "cccd_province"))),
        ("", "001085012345", Err(("id_number", "cccd_birth_year_mismatch"))),
        ("", "001290012345", Err(("id_number", "cccd_birth_year_mismatch"))),
        ("", "001190012345", Err(("id_number", "cccd_sex_mismatch"))),
        ("xyz", "123456789", Err(("id_kind", "unknown_id_kind"))),
        ("none", "123456789", Err(("id_number", "id_number_not_expected"))),
    ];
    for (kind, number, want) in cases {
        let mut f = form();
        f.id_kind = (*kind).into();
        f.id_number = (*number).into();
        match (check(&f), want) {
            (Ok(d), Ok(want)) => assert_eq!(&d.id_number, want, "{kind:?} {number:?}"),
            (Err(e), Err((field, code))) => {
                assert_eq!(e.codes(), vec![(*field, *code)], "{kind:?} {number:?}")
            }
            (got, want) => panic!("{kind:?} {number:?}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn cccd_century_and_sex_digit() {
    // (number, birth year, sex, ok?)
    let cases = [
        ("001190012345", "1990", "nữ", true),
        ("001290012345", "1990", "nam", false),
        ("001215012345", "2015", "nam", true),
        ("001315012345", "2015", "nữ", true),
        ("001315012345", "2015", "nam", false),
        ("001315012345", "2015", "khác", true),
        ("001005012345", "1905", "nam", true),
    ];
    for (number, year, sex, ok) in cases {
        let mut f = form();
        f.id_number = number.into();
        f.birth_year = year.into();
        f.sex = sex.into();
        assert_eq!(check(&f).is_ok(), ok, "{number} {year} {sex}: {:?}", codes(&f));
    }
}

#[test]
fn foreigners_use_passports() {
    let mut f = form();
    f.nationality = "kr".into();
    f.id_number = "M12345678".into();
    let d = check(&f).unwrap();
    assert_eq!(
        (d.nationality.as_str(), d.id_number),
        ("KR", IdNumber::Passport("M12345678".into()))
    );

    f.id_number = "123456789".into();
    assert_eq!(
        codes(&f),
        vec![("id_number".into(), "id_needs_vietnamese_nationality")]
    );
    f.id_number = "001090012345".into();
    assert_eq!(
        codes(&f),
        vec![("id_number".into(), "id_needs_vietnamese_nationality")]
    );
}

#[test]
fn birth_year() {
    table(
        &[
            ("1990", Ok(1990)),
            (" 2025 ", Ok(2025)),
            ("1905", Ok(1905)),
            ("", Err(("birth_year", "required"))),
            ("199O", Err(("birth_year", "birth_year_format"))),
            ("-1990", Err(("birth_year", "birth_year_format"))),
            ("1990.5", Err(("birth_year", "birth_year_format"))),
            ("99999999999999999999", Err(("birth_year", "birth_year_format"))),
            ("1904", Err(("birth_year", "birth_year_range"))),
            ("2026", Err(("birth_year", "birth_year_range"))),
        ],
        |f, v| {
            f.birth_year = v.into();
            // Keep the CCCD out of the way: a CMND carries no year.
            f.id_number = "123456789".into();
        },
        |d| d.birth_year,
    );
    let mut f = form();
    f.birth_year = "2030".into();
    let e = check(&f).unwrap_err();
    let range = e.for_field("birth_year").next().unwrap();
    assert_eq!(
        range.kind,
        FieldErrorKind::BirthYearRange { min: 1905, max: 2025 }
    );
    assert!(range.msg().en.contains("1905") && range.msg().vi.contains("2025"));
}

#[test]
fn sex() {
    table(
        &[
            ("nam", Ok(Sex::Male)),
            ("Nam", Ok(Sex::Male)),
            ("male", Ok(Sex::Male)),
            ("M", Ok(Sex::Male)),
            ("nữ", Ok(Sex::Female)),
            ("NỮ", Ok(Sex::Female)),
            ("nu", Ok(Sex::Female)),
            ("female", Ok(Sex::Female)),
            ("khác", Ok(Sex::Other)),
            ("other", Ok(Sex::Other)),
            ("", Err(("sex", "required"))),
            ("x", Err(("sex", "unknown_sex"))),
        ],
        |f, v| {
            f.sex = v.into();
            f.id_number = "123456789".into();
        },
        |d| d.sex,
    );
}

#[test]
fn nationality() {
    table(
        &[
            ("", Ok("VN".to_string())),
            ("vn", Ok("VN".into())),
            ("Việt Nam", Ok("VN".into())),
            ("us", Ok("US".into())),
            ("XX", Err(("nationality", "unknown_nationality"))),
            ("Korea", Err(("nationality", "unknown_nationality"))),
        ],
        |f, v| {
            f.nationality = v.into();
            f.id_number = "B7654321".into();
        },
        |d| d.nationality.clone(),
    );
}

#[test]
fn address() {
    // (scheme, province, district, ward, street, result)
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        Result<(u32, Option<u32>, u32, &'a str), Vec<(&'a str, &'a str)>>,
    );
    let long_street = "x".repeat(201);
    let cases: Vec<Case<'_>> = vec![
        (
            "",
            "01",
            "",
            "70",
            "12 Hàng Bạc",
            Ok((1, None, 70, "12 Hàng Bạc")),
        ),
        (
            "2025",
            "1",
            "",
            "00070",
            "  12   Hàng  Bạc ",
            Ok((1, None, 70, "12 Hàng Bạc")),
        ),
        (
            "2021",
            "01",
            "001",
            "00001",
            "5 Phúc Xá",
            Ok((1, Some(1), 1, "5 Phúc Xá")),
        ),
        (
            "2030",
            "01",
            "",
            "70",
            "x",
            Err(vec![("address.scheme", "unknown_unit_scheme")]),
        ),
        ("", "", "", "70", "x", Err(vec![("address.province", "required")])),
        (
            "",
            "Hà Nội",
            "",
            "70",
            "x",
            Err(vec![("address.province", "unit_code_format")]),
        ),
        ("", "01", "", "", "x", Err(vec![("address.ward", "required")])),
        ("", "01", "", "70", "", Err(vec![("address.street", "required")])),
        (
            "",
            "01",
            "",
            "70",
            "a\nb",
            Err(vec![("address.street", "control_characters")]),
        ),
        (
            "",
            "01",
            "",
            "70",
            &long_street,
            Err(vec![("address.street", "too_long")]),
        ),
        (
            "",
            "01",
            "1",
            "70",
            "x",
            Err(vec![("address.district", "district_not_applicable")]),
        ),
        (
            "",
            "79",
            "",
            "70",
            "x",
            Err(vec![("address.ward", "ward_not_in_province")]),
        ),
        (
            "",
            "01",
            "",
            "999999",
            "x",
            Err(vec![("address.ward", "unknown_ward")]),
        ),
        (
            "",
            "02",
            "",
            "70",
            "x",
            Err(vec![("address.province", "unknown_province")]),
        ),
        (
            "2021",
            "01",
            "",
            "1",
            "x",
            Err(vec![("address.district", "district_required")]),
        ),
        (
            "2021",
            "01",
            "2",
            "1",
            "x",
            Err(vec![("address.ward", "ward_not_in_district")]),
        ),
        (
            "2021",
            "01",
            "x",
            "1",
            "x",
            Err(vec![("address.district", "unit_code_format")]),
        ),
        (
            "2021",
            "79",
            "1",
            "1",
            "x",
            Err(vec![
                ("address.district", "district_not_in_province"),
                ("address.ward", "ward_not_in_province"),
            ]),
        ),
        (
            "",
            "",
            "",
            "",
            "",
            Err(vec![
                ("address.province", "required"),
                ("address.ward", "required"),
                ("address.street", "required"),
            ]),
        ),
    ];
    for (scheme, province, district, ward, street, want) in cases {
        let mut f = form();
        f.address = AddressForm {
            scheme: scheme.into(),
            province: province.into(),
            district: district.into(),
            ward: ward.into(),
            street: street.into(),
        };
        let label = format!("{scheme}/{province}/{district}/{ward}");
        match (check(&f), want) {
            (Ok(d), Ok((p, dist, w, s))) => {
                assert_eq!(
                    (
                        d.address.province,
                        d.address.district,
                        d.address.ward,
                        d.address.street.as_str()
                    ),
                    (p, dist, w, s),
                    "{label}"
                );
                let scheme = if scheme == "2021" {
                    UnitScheme::V2021
                } else {
                    UnitScheme::V2025
                };
                assert_eq!(d.address.scheme, scheme);
            }
            (Err(e), Err(want)) => assert_eq!(e.codes(), want, "{label}"),
            (got, want) => panic!("{label}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn phone() {
    table(
        &[
            ("0912 345 678", Ok("+84912345678".to_string())),
            ("(+84) 912-345-678", Ok("+84912345678".into())),
            ("024 3825 1234", Ok("+842438251234".into())),
            ("", Err(("phone", "phone_empty"))),
            ("0412345678", Err(("phone", "phone_prefix"))),
            ("0912abc678", Err(("phone", "phone_letters"))),
            ("091234567", Err(("phone", "phone_length"))),
        ],
        |f, v| f.phone = v.into(),
        |d| d.phone.clone(),
    );
}

#[test]
fn email() {
    table(
        &[
            ("", Ok(None)),
            ("  ", Ok(None)),
            (
                "an.nguyen@example.vn",
                Ok(Some("an.nguyen@example.vn".to_string())),
            ),
            ("An@Example.VN", Ok(Some("An@example.vn".into()))),
            ("an+tokhai@mail.co.uk", Ok(Some("an+tokhai@mail.co.uk".into()))),
            ("a@b", Err(("email", "email_format"))),
            ("a b@c.vn", Err(("email", "email_format"))),
            ("@c.vn", Err(("email", "email_format"))),
            ("a@@c.vn", Err(("email", "email_format"))),
            ("a@c..vn", Err(("email", "email_format"))),
            ("a@-c.vn", Err(("email", "email_format"))),
            ("a@c.v", Err(("email", "email_format"))),
            ("a@c.123", Err(("email", "email_format"))),
            (".a@c.vn", Err(("email", "email_format"))),
            ("ancvn", Err(("email", "email_format"))),
        ],
        |f, v| f.email = v.into(),
        |d| d.email.clone(),
    );
}

#[test]
fn travel_places() {
    let mut f = form();
    f.travel = vec!["Đà Nẵng".into(), "  ".into(), " Thành phố  Huế ".into()];
    assert_eq!(check(&f).unwrap().travel, vec!["Đà Nẵng", "Thành phố Huế"]);

    f.travel = vec!["Huế".into(), "x\ny".into(), "z".repeat(201)];
    assert_eq!(
        codes(&f),
        vec![
            ("travel[1]".into(), "control_characters"),
            ("travel[2]".into(), "too_long")
        ]
    );

    f.travel = (0..21).map(|i| format!("Nơi {i}")).collect();
    assert_eq!(codes(&f), vec![("travel".into(), "too_long")]);
    f.travel = vec!["x\n".into(); 100_000];
    assert_eq!(codes(&f), vec![("travel".into(), "too_long")]);
}

#[test]
fn symptoms_exposure_and_summaries() {
    let mut f = form();
    f.symptoms.other = Some("  ho   khan ".into());
    let d = check(&f).unwrap();
    assert_eq!(d.symptoms.other.as_deref(), Some("ho khan"));
    assert!(d.has_symptoms() && !d.has_exposure());

    f.symptoms.other = Some("   ".into());
    let d = check(&f).unwrap();
    assert_eq!(d.symptoms.other, None);
    assert!(!d.has_symptoms());

    f.symptoms.other = Some("a\u{0}b".into());
    assert_eq!(codes(&f), vec![("symptoms.other".into(), "control_characters")]);

    let mut f = form();
    f.symptoms.loss_of_taste_or_smell = true;
    f.exposure.person_with_symptoms = true;
    let d = check(&f).unwrap();
    assert!(d.has_symptoms() && d.has_exposure());
    assert!(d.symptoms.loss_of_taste_or_smell && d.exposure.person_with_symptoms);
}

#[test]
fn chronic_conditions() {
    use ChronicCondition::*;
    let mut f = form();
    f.chronic_conditions = vec![
        "diabetes".into(),
        "Tiểu đường".into(),
        "bệnh gan mãn tính".into(),
        "high_blood_pressure".into(),
        "".into(),
    ];
    assert_eq!(
        check(&f).unwrap().chronic_conditions,
        vec![Liver, HighBloodPressure, Diabetes]
    );

    f.chronic_conditions = vec!["heart".into(); 21];
    assert_eq!(codes(&f), vec![("chronic_conditions".into(), "too_long")]);
    f.chronic_conditions = vec!["heart".into(); 20];
    assert_eq!(check(&f).unwrap().chronic_conditions, vec![Heart]);

    f.chronic_conditions = vec!["cancer".into(), "cảm cúm".into()];
    assert_eq!(
        codes(&f),
        vec![("chronic_conditions[1]".into(), "unknown_chronic_condition")]
    );
}

#[test]
fn pregnancy_only_for_women_and_other() {
    // (sex, CCCD matching the sex, answer, result)
    let cases = [
        ("nữ", "001190012345", Some(true), Ok(Some(true))),
        ("nữ", "001190012345", Some(false), Ok(Some(false))),
        ("nữ", "001190012345", None, Ok(None)),
        ("khác", "001190012345", Some(true), Ok(Some(true))),
        ("nam", "001090012345", Some(false), Ok(None)),
        ("nam", "001090012345", None, Ok(None)),
        ("nam", "001090012345", Some(true), Err("pregnancy_not_applicable")),
    ];
    for (sex, id, answer, want) in cases {
        let mut f = form();
        f.sex = sex.into();
        f.id_number = id.into();
        f.pregnant = answer;
        match (check(&f), want) {
            (Ok(d), Ok(want)) => assert_eq!(d.pregnant, want, "{sex} {answer:?}"),
            (Err(e), Err(code)) => assert_eq!(e.codes(), vec![("pregnant", code)]),
            (got, want) => panic!("{sex} {answer:?}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn dependants_children_and_elderly_parents() {
    let clock = clock();
    let holder = Phone::parse("0987 654 321").unwrap();
    let child = ValidationContext::new(&clock, Relation::Child).with_holder_phone(&holder);

    // A 10-year-old with no document and no phone: the holder's phone is used.
    let mut f = form();
    f.full_name = "nguyễn bảo ngọc".into();
    f.id_number = String::new();
    f.birth_year = "2015".into();
    f.sex = "nữ".into();
    f.phone = String::new();
    let d = validate(&f, &child).unwrap();
    assert_eq!(d.id_number, IdNumber::NotIssued);
    assert_eq!(d.phone, "+84987654321");

    // "Chưa có" chosen explicitly, and a child's own phone wins over the holder's.
    f.id_kind = "chưa có".into();
    f.phone = "0912 345 678".into();
    assert_eq!(validate(&f, &child).unwrap().phone, "+84912345678");

    // A child who has a CCCD may give it.
    f.id_kind = String::new();
    f.id_number = "001315012345".into();
    assert_eq!(
        validate(&f, &child).unwrap().id_number,
        IdNumber::Cccd("001315012345".into())
    );

    // Up to 14 this year (possibly 13) may have no document; 15 may not.
    f.id_number = String::new();
    f.birth_year = "2011".into();
    assert_eq!(validate(&f, &child).unwrap().id_number, IdNumber::NotIssued);
    f.birth_year = "2010".into();
    let e = validate(&f, &child).unwrap_err();
    assert_eq!(e.codes(), vec![("id_number", "id_required_from_14")]);

    // An elderly parent with a CMND and no phone of their own.
    let parent = ValidationContext::new(&clock, Relation::Parent).with_holder_phone(&holder);
    let mut f = form();
    f.full_name = "trần thị lụa".into();
    f.id_number = "012345678".into();
    f.birth_year = "1940".into();
    f.sex = "nữ".into();
    f.phone = "  ".into();
    let d = validate(&f, &parent).unwrap();
    assert_eq!((d.birth_year, d.phone.as_str()), (1940, "+84987654321"));

    // Without the holder's phone a dependant must give one; the holder always must.
    let orphan = ValidationContext::new(&clock, Relation::Parent);
    assert_eq!(
        validate(&f, &orphan).unwrap_err().codes(),
        vec![("phone", "phone_empty")]
    );
    let me = ValidationContext::new(&clock, Relation::Myself).with_holder_phone(&holder);
    assert_eq!(
        validate(&f, &me).unwrap_err().codes(),
        vec![("phone", "phone_empty")]
    );
}

#[test]
fn every_invalid_field_is_reported_at_once_in_form_order() {
    let f = DeclarationForm {
        full_name: "An 2".into(),
        id_number: "12".into(),
        birth_year: "abc".into(),
        sex: "?".into(),
        nationality: "XX".into(),
        address: AddressForm {
            scheme: "1999".into(),
            province: "x".into(),
            district: String::new(),
            ward: String::new(),
            street: String::new(),
        },
        phone: "12".into(),
        email: "nope".into(),
        travel: vec!["a\u{7}".into()],
        chronic_conditions: vec!["?".into()],
        ..Default::default()
    };
    let e = check(&f).unwrap_err();
    let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "full_name",
            "birth_year",
            "sex",
            "nationality",
            "id_number",
            "address.scheme",
            "address.province",
            "address.ward",
            "address.street",
            "phone",
            "email",
            "travel[0]",
            "chronic_conditions[0]",
        ]
    );
    assert_eq!(e.code(), "invalid_declaration");
    assert!(e.msg().vi.contains("13") && e.msg().en.contains("13"));
}

#[test]
fn errors_carry_no_personal_data() {
    let mut f = form();
    f.full_name = "Nguyễn Văn 7".into();
    f.phone = "0412 999 888".into();
    f.email = "secret.person@".into();
    f.id_number = "001085777777".into();
    let e = check(&f).unwrap_err();
    let shown = format!("{e} {e:?} {}", serde_json::to_string(&e).unwrap());
    for secret in ["Nguyễn", "NGUYỄN", "0412", "999", "secret", "777777"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    // The JSON form is what a UI needs: field, code, both languages.
    let json: serde_json::Value = serde_json::to_value(&e).unwrap();
    let first = &json["errors"][0];
    assert_eq!(first["field"], "full_name");
    assert_eq!(first["code"], "name_characters");
    assert!(first["msg"]["vi"].as_str().unwrap().contains("Họ tên"));
    assert!(first["msg"]["en"].as_str().unwrap().contains("name"));
}

#[test]
fn every_error_code_is_distinct_and_bilingual() {
    use FieldErrorKind::*;
    let kinds = [
        Required,
        TooLong { max: 1 },
        TooShort { min: 1 },
        NameCharacters,
        ControlCharacters,
        UnknownIdKind,
        IdFormat,
        CmndFormat,
        CccdFormat,
        PassportFormat,
        VietnamesePassportFormat,
        CccdProvince,
        CccdBirthYearMismatch,
        CccdSexMismatch,
        IdNeedsVietnameseNationality,
        IdRequiredFrom14,
        IdNumberNotExpected,
        BirthYearFormat,
        BirthYearRange { min: 1, max: 2 },
        UnknownSex,
        UnknownNationality,
        UnknownUnitScheme,
        UnitCodeFormat,
        EmailFormat,
        UnknownChronicCondition,
        PregnancyNotApplicable,
    ];
    let codes: std::collections::HashSet<_> = kinds.iter().map(Localized::code).collect();
    assert_eq!(codes.len(), kinds.len());
    for k in &kinds {
        let m = k.msg();
        assert!(!m.vi.is_empty() && !m.en.is_empty() && m.vi != m.en, "{k:?}");
    }
}

#[test]
fn form_from_json_accepts_numbers_and_missing_fields() {
    let json = r#"{
        "full_name": "Lê Văn Tám",
        "id_number": 123456789,
        "birth_year": 1990,
        "sex": "male",
        "address": {"province": 1, "ward": 70, "street": "1 Tràng Tiền"},
        "phone": "+84 912 345 678",
        "symptoms": {"fever": true},
        "exposure": {"confirmed_or_suspected_case": true},
        "unknown_field": "ignored"
    }"#;
    let f: DeclarationForm = serde_json::from_str(json).unwrap();
    let d = check(&f).unwrap();
    assert_eq!(d.full_name, "LÊ VĂN TÁM");
    assert_eq!(d.id_number, IdNumber::Cmnd("123456789".into()));
    assert!(d.symptoms.fever && !d.symptoms.cough && d.exposure.confirmed_or_suspected_case);

    let empty: DeclarationForm = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, DeclarationForm::default());
    let nulls: DeclarationForm = serde_json::from_str(r#"{"birth_year": null, "phone": null}"#).unwrap();
    assert_eq!(nulls, DeclarationForm::default());
}

#[test]
fn declaration_serde_round_trip_including_children() {
    let mut d = check(&form()).unwrap();
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<Declaration>(&json).unwrap(), d);
    d.id_number = IdNumber::NotIssued;
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["id_number"], serde_json::json!({"kind": "not_issued"}));
    assert_eq!(serde_json::from_value::<Declaration>(json).unwrap(), d);
}

#[test]
fn updates_supersede_and_the_chain_decides_the_newest() {
    let t0 = clock().now();
    let me = PersonId::random();
    let other = PersonId::random();
    let d = check(&form()).unwrap();
    let v1 = DeclarationRecord::new(me, d.clone(), t0);
    let mut d2 = d.clone();
    d2.symptoms.cough = true;
    let v2 = v1.update(d2.clone(), t0 + Duration::hours(30));
    assert_eq!((v2.person, v2.supersedes), (me, Some(v1.id)));
    assert_ne!(v2.id, v1.id);
    // A clock set back: v3 is dated before v2 but supersedes it, so it is the newest.
    let v3 = v2.update(d.clone(), t0 + Duration::hours(1));
    let theirs = DeclarationRecord::new(other, d.clone(), t0 + Duration::hours(40));
    let records = vec![theirs.clone(), v1.clone(), v3.clone(), v2.clone()];
    assert_eq!(newest_declaration(&records, me).map(|r| r.id), Some(v3.id));
    assert_eq!(newest_declaration(&records, other).map(|r| r.id), Some(theirs.id));
    assert_eq!(newest_declaration(&records, PersonId::random()), None);
    // Two heads (two offline updates of v1): the later one wins.
    let a = v1.update(d.clone(), t0 + Duration::hours(2));
    let b = v1.update(d, t0 + Duration::hours(3));
    assert_eq!(
        newest_declaration(&[v1, a, b.clone()], me).map(|r| r.id),
        Some(b.id)
    );
}

#[test]
fn freshness_window() {
    let t0 = clock().now();
    let me = PersonId::random();
    let policy = FreshnessPolicy::default();
    assert_eq!(policy.window, Duration::hours(24));
    assert_eq!(freshness(&[], me, t0, &policy), Freshness::Missing);
    assert!(Freshness::Missing.must_declare());

    let v1 = DeclarationRecord::new(me, check(&form()).unwrap(), t0);
    let records = [v1.clone()];
    let stale_at = t0 + Duration::hours(24);
    let cases = [
        (
            t0,
            Freshness::Fresh {
                declaration: v1.id,
                stale_at,
            },
        ),
        (
            t0 + Duration::hours(23) + Duration::minutes(59),
            Freshness::Fresh {
                declaration: v1.id,
                stale_at,
            },
        ),
        (
            stale_at,
            Freshness::Stale {
                declaration: v1.id,
                since: stale_at,
            },
        ),
        (
            t0 + Duration::days(3),
            Freshness::Stale {
                declaration: v1.id,
                since: stale_at,
            },
        ),
    ];
    for (now, want) in cases {
        assert_eq!(freshness(&records, me, now, &policy), want, "{now}");
    }
    assert!(!freshness(&records, me, t0, &policy).must_declare());
    assert!(freshness(&records, me, stale_at, &policy).must_declare());

    // A shorter window is honoured, and an update restarts it.
    let hourly = FreshnessPolicy {
        window: Duration::hours(1),
    };
    assert!(freshness(&records, me, t0 + Duration::hours(2), &hourly).must_declare());
    let v2 = v1.update(v1.declaration.clone(), t0 + Duration::hours(2));
    let records = [v1.clone(), v2.clone()];
    assert_eq!(
        freshness(&records, me, t0 + Duration::hours(2), &hourly),
        Freshness::Fresh {
            declaration: v2.id,
            stale_at: t0 + Duration::hours(3)
        }
    );

    // A declaration dated in the future counts as made now.
    let future = DeclarationRecord::new(me, v1.declaration.clone(), t0 + Duration::days(10));
    assert_eq!(
        freshness(std::slice::from_ref(&future), me, t0, &policy),
        Freshness::Fresh {
            declaration: future.id,
            stale_at: t0 + Duration::hours(24)
        }
    );
}

fn arbitrary_form() -> impl Strategy<Value = DeclarationForm> {
    let s = || any::<String>();
    (
        (s(), s(), s(), s(), s(), s()),
        (s(), s(), s(), s(), s()),
        (
            s(),
            s(),
            prop::collection::vec(s(), 0..3),
            prop::collection::vec(s(), 0..3),
            prop::option::of(s()),
        ),
        (any::<Option<bool>>(), any::<bool>()),
    )
        .prop_map(
            |(
                (name, kind, id, year, sex, nat),
                (scheme, p, d, w, street),
                (phone, email, travel, chronic, other),
                (pregnant, fever),
            )| {
                DeclarationForm {
                    full_name: name,
                    id_kind: kind,
                    id_number: id,
                    birth_year: year,
                    sex,
                    nationality: nat,
                    address: AddressForm {
                        scheme,
                        province: p,
                        district: d,
                        ward: w,
                        street,
                    },
                    phone,
                    email,
                    travel,
                    symptoms: Symptoms {
                        fever,
                        other,
                        ..Default::default()
                    },
                    exposure: Exposure::default(),
                    chronic_conditions: chronic,
                    pregnant,
                }
            },
        )
}

proptest! {
    #[test]
    fn arbitrary_forms_never_panic(f in arbitrary_form()) {
        let clock = clock();
        let holder = Phone::parse("0912345678").unwrap();
        for relation in [Relation::Myself, Relation::Child] {
            let ctx = ValidationContext::new(&clock, relation).with_holder_phone(&holder);
            match validate(&f, &ctx) {
                Ok(d) => prop_assert!(!d.full_name.is_empty()),
                Err(e) => prop_assert!(!e.errors.is_empty()),
            }
        }
    }

    #[test]
    fn mutating_one_field_of_a_valid_form_never_panics(text in any::<String>(), field in 0usize..12) {
        let mut f = form();
        match field {
            0 => f.full_name = text,
            1 => f.id_kind = text,
            2 => f.id_number = text,
            3 => f.birth_year = text,
            4 => f.sex = text,
            5 => f.nationality = text,
            6 => f.address.province = text,
            7 => f.address.ward = text,
            8 => f.address.street = text,
            9 => f.phone = text,
            10 => f.email = text,
            _ => f.travel = vec![text],
        }
        let _ = check(&f);
    }

    #[test]
    fn valid_names_come_back_uppercase_nfc(words in prop::collection::vec("[a-zàáạảãăắằặẳẵâấầậẩẫđèéẹẻẽêếềệểễìíịỉĩòóọỏõôốồộổỗơớờợởỡùúụủũưứừựửữỳýỵỷỹ]{2,8}", 1..5)) {
        let mut f = form();
        f.full_name = words.join("  ");
        let d = check(&f).unwrap();
        prop_assert_eq!(d.full_name, words.join(" ").to_uppercase());
    }
}

#[test]
fn a_declaration_prefills_a_form_that_validates_back_to_it() {
    use ChronicCondition::*;
    let clock = clock();
    let holder = Phone::parse("0987654321").unwrap();
    let ctx = ValidationContext::new(&clock, Relation::Child).with_holder_phone(&holder);
    let mut f = form();
    f.email = "An@Example.vn".into();
    f.travel = vec!["Đà Nẵng".into()];
    f.symptoms.cough = true;
    f.exposure.person_with_symptoms = true;
    f.chronic_conditions = vec![
        "cancer".into(),
        "huyết áp cao".into(),
        "liver".into(),
        "blood".into(),
        "lung".into(),
        "kidney".into(),
        "heart".into(),
        "immunodeficiency".into(),
        "organ_transplant".into(),
        "diabetes".into(),
    ];
    let variants = [
        f.clone(),
        DeclarationForm {
            id_number: String::new(),
            birth_year: "2016".into(),
            phone: String::new(),
            ..f.clone()
        },
        DeclarationForm {
            id_number: "B1234567".into(),
            sex: "nữ".into(),
            pregnant: Some(true),
            ..f.clone()
        },
        DeclarationForm {
            nationality: "us".into(),
            id_number: "X12345".into(),
            sex: "khác".into(),
            ..f.clone()
        },
        DeclarationForm {
            id_number: "123456789".into(),
            address: AddressForm {
                scheme: "2021".into(),
                province: "1".into(),
                district: "1".into(),
                ward: "1".into(),
                street: "5 Phúc Xá".into(),
            },
            ..f
        },
    ];
    for form in variants {
        let d = validate(&form, &ctx).unwrap();
        assert_eq!(validate(&DeclarationForm::from(&d), &ctx).unwrap(), d);
    }
    let d = validate(&form(), &ctx).unwrap();
    let all = [
        Liver,
        Blood,
        Lung,
        Kidney,
        Heart,
        HighBloodPressure,
        Immunodeficiency,
        OrganTransplant,
        Diabetes,
        Cancer,
    ];
    for c in all {
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
    }
    assert_eq!(DeclarationForm::from(&d).id_kind, "cccd");
}
