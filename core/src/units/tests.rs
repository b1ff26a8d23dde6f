use proptest::prelude::*;

use super::*;
use crate::declaration::UnitScheme;
use crate::i18n::Localized;

fn u25() -> &'static Units {
    units(UnitScheme::V2025)
}

fn u21() -> &'static Units {
    units(UnitScheme::V2021)
}

#[test]
fn embedded_lists_have_the_official_counts() {
    for (scheme, provinces, districts, wards) in [
        (UnitScheme::V2025, 34, 0, 3321),
        (UnitScheme::V2021, 63, 705, 10603),
    ] {
        let list = units(scheme);
        assert_eq!(list.malformed, 0, "{scheme:?}");
        assert_eq!(list.scheme(), scheme);
        assert_eq!(list.provinces().count(), provinces, "{scheme:?}");
        assert_eq!(list.all(UnitLevel::Province).count(), provinces, "{scheme:?}");
        assert_eq!(list.all(UnitLevel::District).count(), districts, "{scheme:?}");
        assert_eq!(list.all(UnitLevel::Ward).count(), wards, "{scheme:?}");
        // Every unit below a province has a parent, and every child list adds up.
        let children: usize = list.provinces().map(|p| list.children(p).count()).sum();
        assert_eq!(children, if districts > 0 { districts } else { wards });
    }
}

#[test]
fn look_up_by_code() {
    let hk = u25().ward(70).unwrap();
    assert_eq!(hk.name(), "Phường Hoàn Kiếm");
    assert_eq!(hk.short_name(), "Hoàn Kiếm");
    assert_eq!(hk.kind(), UnitKind::Ward);
    assert_eq!(hk.level(), UnitLevel::Ward);
    assert_eq!(hk.parent_code(), Some(1));
    assert_eq!(u25().full_name(hk), "Phường Hoàn Kiếm, Thành phố Hà Nội");

    let ht = u25().province(42).unwrap();
    assert_eq!(ht.name(), "Tỉnh Hà Tĩnh");
    assert_eq!(ht.kind(), UnitKind::Province);
    assert_eq!(ht.parent_code(), None);
    assert!(u25().parent(ht).is_none());

    let phuc_xa = u21().ward(1).unwrap();
    assert_eq!(
        u21().full_name(phuc_xa),
        "Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội"
    );
    let ba_dinh = u21().parent(phuc_xa).unwrap();
    assert_eq!(
        (ba_dinh.level(), ba_dinh.code(), ba_dinh.kind()),
        (UnitLevel::District, 1, UnitKind::UrbanDistrict)
    );
    assert_eq!(u21().province(79).unwrap().name(), "Thành phố Hồ Chí Minh");
    assert_eq!(u21().province(46).unwrap().name(), "Tỉnh Thừa Thiên Huế");
    assert_eq!(u25().province(46).unwrap().name(), "Thành phố Huế");

    // Unknown codes and levels the list lacks.
    assert!(
        u25().province(2).is_none(),
        "Hà Giang merged into Tuyên Quang in 2025"
    );
    assert!(u21().province(2).is_some());
    assert!(u25().district(1).is_none());
    assert!(u25().ward(0).is_none());
    assert!(u21().get(UnitLevel::Ward, u32::MAX).is_none());
}

#[test]
fn children_are_sorted_and_belong_to_their_parent() {
    let hanoi = u25().province(1).unwrap();
    let wards: Vec<&Unit> = u25().children(hanoi).collect();
    assert_eq!(wards.len(), 126);
    assert!(wards.windows(2).all(|w| w[0].code() < w[1].code()));
    assert!(
        wards
            .iter()
            .all(|w| w.parent_code() == Some(1) && w.level() == UnitLevel::Ward)
    );

    let hanoi21 = u21().province(1).unwrap();
    let districts: Vec<&Unit> = u21().children(hanoi21).collect();
    assert_eq!(districts.len(), 30);
    assert!(districts.iter().all(|d| d.level() == UnitLevel::District));
    let ba_dinh = u21().district(1).unwrap();
    assert_eq!(u21().children(ba_dinh).count(), 14);
    assert_eq!(u21().children(u21().ward(1).unwrap()).count(), 0);
    // A unit of the other list has no children here.
    assert_eq!(u21().children(hanoi).count(), 0);
}

#[test]
fn address_checks() {
    use AddressError::*;
    type Case = (UnitScheme, u32, Option<u32>, u32, &'static [AddressError]);
    let cases: &[Case] = &[
        (UnitScheme::V2025, 1, None, 70, &[]),
        (UnitScheme::V2025, 1, Some(1), 70, &[DistrictNotApplicable]),
        (UnitScheme::V2025, 42, None, 70, &[WardNotInProvince]),
        (UnitScheme::V2025, 2, None, 70, &[UnknownProvince]),
        (UnitScheme::V2025, 1, None, 999_999, &[UnknownWard]),
        (
            UnitScheme::V2025,
            999,
            None,
            999_999,
            &[UnknownProvince, UnknownWard],
        ),
        (UnitScheme::V2021, 1, Some(1), 1, &[]),
        (UnitScheme::V2021, 1, None, 1, &[DistrictRequired]),
        (UnitScheme::V2021, 1, Some(2), 1, &[WardNotInDistrict]),
        (
            UnitScheme::V2021,
            79,
            Some(1),
            1,
            &[DistrictNotInProvince, WardNotInProvince],
        ),
        (UnitScheme::V2021, 1, Some(9999), 1, &[UnknownDistrict]),
        (UnitScheme::V2021, 1, Some(1), 999_999, &[UnknownWard]),
    ];
    for &(scheme, province, district, ward, want) in cases {
        let got = units(scheme).check_address(province, district, ward);
        assert_eq!(got, want, "{scheme:?} {province} {district:?} {ward}");
    }
    // Every error has a distinct code and both languages.
    let all = [
        UnknownProvince,
        DistrictRequired,
        DistrictNotApplicable,
        UnknownDistrict,
        DistrictNotInProvince,
        UnknownWard,
        WardNotInDistrict,
        WardNotInProvince,
    ];
    let codes: std::collections::HashSet<&str> = all.iter().map(Localized::code).collect();
    assert_eq!(codes.len(), all.len());
    assert!(
        all.iter()
            .all(|e| !e.msg().vi.is_empty() && !e.msg().en.is_empty())
    );
}

fn first(list: &Units, query: &str, options: SearchOptions) -> Option<(String, MatchRank)> {
    list.search(query, &options)
        .first()
        .map(|hit| (list.full_name(hit.unit), hit.rank))
}

#[test]
fn search_ignores_diacritics_case_and_kind_words() {
    let provinces = SearchOptions {
        level: Some(UnitLevel::Province),
        ..Default::default()
    };
    let cases: &[(&Units, &str, SearchOptions, &str, MatchRank)] = &[
        (u25(), "ha tinh", provinces, "Tỉnh Hà Tĩnh", MatchRank::Exact),
        (u25(), "HÀ TĨNH", provinces, "Tỉnh Hà Tĩnh", MatchRank::Exact),
        (u25(), "tinh ha tinh", provinces, "Tỉnh Hà Tĩnh", MatchRank::Exact),
        (u25(), "Tỉnh Hà Tĩnh", provinces, "Tỉnh Hà Tĩnh", MatchRank::Exact),
        (u25(), "dak lak", provinces, "Tỉnh Đắk Lắk", MatchRank::Exact),
        (u25(), "DAK", provinces, "Tỉnh Đắk Lắk", MatchRank::Prefix),
        (u25(), "da nang", provinces, "Thành phố Đà Nẵng", MatchRank::Exact),
        (
            u25(),
            "tp hcm",
            provinces,
            "Thành phố Hồ Chí Minh",
            MatchRank::Exact,
        ),
        (
            u25(),
            "TP.HCM",
            provinces,
            "Thành phố Hồ Chí Minh",
            MatchRank::Exact,
        ),
        (
            u25(),
            "tphcm",
            provinces,
            "Thành phố Hồ Chí Minh",
            MatchRank::Exact,
        ),
        (
            u25(),
            "ho chi minh",
            provinces,
            "Thành phố Hồ Chí Minh",
            MatchRank::Exact,
        ),
        (
            u25(),
            "Thành phố Hồ Chí Minh",
            provinces,
            "Thành phố Hồ Chí Minh",
            MatchRank::Exact,
        ),
        (
            u25(),
            "sài gòn",
            provinces,
            "Thành phố Hồ Chí Minh",
            MatchRank::Exact,
        ),
        (
            u25(),
            "chi minh",
            provinces,
            "Thành phố Hồ Chí Minh",
            MatchRank::WordPrefix,
        ),
        (u25(), "hn", provinces, "Thành phố Hà Nội", MatchRank::Exact),
        (u25(), "hue", provinces, "Thành phố Huế", MatchRank::Exact),
        (
            u21(),
            "hue",
            provinces,
            "Tỉnh Thừa Thiên Huế",
            MatchRank::WordPrefix,
        ),
        (u21(), "hoa binh", provinces, "Tỉnh Hoà Bình", MatchRank::Exact),
        (u21(), "Hòa Bình", provinces, "Tỉnh Hoà Bình", MatchRank::Exact),
        (
            u21(),
            "vung tau",
            provinces,
            "Tỉnh Bà Rịa - Vũng Tàu",
            MatchRank::WordPrefix,
        ),
        (
            u21(),
            "ria",
            provinces,
            "Tỉnh Bà Rịa - Vũng Tàu",
            MatchRank::WordPrefix,
        ),
        (
            u25(),
            "oan kie",
            SearchOptions::default(),
            "Phường Hoàn Kiếm, Thành phố Hà Nội",
            MatchRank::Contains,
        ),
        (
            u25(),
            "phường hoàn kiếm",
            SearchOptions::default(),
            "Phường Hoàn Kiếm, Thành phố Hà Nội",
            MatchRank::Exact,
        ),
        (
            u25(),
            "hoan kiem",
            SearchOptions::default(),
            "Phường Hoàn Kiếm, Thành phố Hà Nội",
            MatchRank::Exact,
        ),
        (
            u21(),
            "Phường 1",
            SearchOptions::default(),
            "Phường 1, Thành phố Đông Hà, Tỉnh Quảng Trị",
            MatchRank::Exact,
        ),
        (
            u21(),
            "quận 1",
            SearchOptions::default(),
            "Quận 1, Thành phố Hồ Chí Minh",
            MatchRank::Exact,
        ),
        (
            u21(),
            "Q.1",
            SearchOptions::default(),
            "Quận 1, Thành phố Hồ Chí Minh",
            MatchRank::Exact,
        ),
        (
            u21(),
            "huyện cần giờ",
            SearchOptions::default(),
            "Huyện Cần Giờ, Thành phố Hồ Chí Minh",
            MatchRank::Exact,
        ),
    ];
    for (list, query, options, want, rank) in cases {
        let got = first(list, query, *options);
        assert_eq!(got, Some((want.to_string(), *rank)), "{query:?}");
    }
}

#[test]
fn search_ranks_exact_before_prefix_before_word_prefix_before_contains() {
    let hits = u21().search(
        "an hoa",
        &SearchOptions {
            limit: 2000,
            ..Default::default()
        },
    );
    assert!(hits.len() > 50);
    assert!(
        hits.windows(2).all(|w| w[0].rank <= w[1].rank),
        "ranks are sorted"
    );
    for rank in [
        MatchRank::Exact,
        MatchRank::Prefix,
        MatchRank::WordPrefix,
        MatchRank::Contains,
    ] {
        assert!(hits.iter().any(|h| h.rank == rank), "{rank:?} present");
    }
    // Among equal ranks, provinces come before districts before wards.
    let exact: Vec<_> = hits.iter().filter(|h| h.rank == MatchRank::Exact).collect();
    assert!(exact.windows(2).all(|w| w[0].unit.level() <= w[1].unit.level()));
}

#[test]
fn search_within_a_parent_and_level() {
    let hcm = UnitKey {
        level: UnitLevel::Province,
        code: 79,
    };
    // "Phường 1" exists in several districts of Hồ Chí Minh City in 2021; kind word "p" is honoured.
    let hits = u21().search(
        "p 1",
        &SearchOptions {
            within: Some(hcm),
            limit: 100,
            ..Default::default()
        },
    );
    let exact: Vec<_> = hits.iter().filter(|h| h.rank == MatchRank::Exact).collect();
    // The list spells them "Phường 01" there; leading zeros do not matter.
    assert_eq!(exact.len(), 12);
    let (quan1, wards) = exact.split_last().unwrap();
    assert!(
        wards
            .iter()
            .all(|h| h.unit.kind() == UnitKind::Ward && h.unit.name() == "Phường 01")
    );
    // Quận 1 matches "1" too, but after the wards: the kind word "p" says ward.
    assert_eq!(quan1.unit.name(), "Quận 1");
    assert!(
        hits.iter()
            .all(|h| u21().is_within(h.unit, u21().province(79).unwrap()))
    );

    // Inside one district only its own Phường 1.
    let district3 = u21().search(
        "Quận 3",
        &SearchOptions {
            within: Some(hcm),
            ..Default::default()
        },
    );
    let district3 = district3.first().unwrap().unit;
    assert_eq!(district3.name(), "Quận 3");
    let key = UnitKey {
        level: UnitLevel::District,
        code: district3.code(),
    };
    let hits = u21().search(
        "phuong 1",
        &SearchOptions {
            within: Some(key),
            ..Default::default()
        },
    );
    assert_eq!(hits.iter().filter(|h| h.rank == MatchRank::Exact).count(), 1);

    // A level filter.
    let hits = u25().search(
        "ha",
        &SearchOptions {
            level: Some(UnitLevel::Ward),
            limit: 50,
            ..Default::default()
        },
    );
    assert_eq!(hits.len(), 50);
    assert!(hits.iter().all(|h| h.unit.level() == UnitLevel::Ward));

    // An unknown parent finds nothing; so do empty and punctuation-only queries.
    let nowhere = UnitKey {
        level: UnitLevel::Province,
        code: 4242,
    };
    assert!(
        u25()
            .search(
                "ha",
                &SearchOptions {
                    within: Some(nowhere),
                    ..Default::default()
                }
            )
            .is_empty()
    );
    assert!(u25().search("", &SearchOptions::default()).is_empty());
    assert!(u25().search(" .,- ", &SearchOptions::default()).is_empty());
    assert!(u25().search("zzzz", &SearchOptions::default()).is_empty());
}

#[test]
fn search_limit_defaults_and_applies() {
    assert_eq!(
        u21().search("a", &SearchOptions::default()).len(),
        DEFAULT_SEARCH_LIMIT
    );
    assert_eq!(
        u21()
            .search(
                "a",
                &SearchOptions {
                    limit: 3,
                    ..Default::default()
                }
            )
            .len(),
        3
    );
}

proptest! {
    #[test]
    fn search_never_panics(query in any::<String>(), code in any::<u32>(), level in 0u8..3) {
        let level = [UnitLevel::Province, UnitLevel::District, UnitLevel::Ward][usize::from(level)];
        for list in [u25(), u21()] {
            let options = SearchOptions { level: Some(level), within: Some(UnitKey { level, code }), limit: 5 };
            let _ = list.search(&query, &options);
            let hits = list.search(&query, &SearchOptions::default());
            prop_assert!(hits.len() <= DEFAULT_SEARCH_LIMIT);
            let _ = list.check_address(code, Some(code), code);
        }
    }

    #[test]
    fn search_finds_every_unit_by_its_own_name(index in 0usize..13_924) {
        let (list, index) = if index < 3355 { (u25(), index) } else { (u21(), index - 3355) };
        let unit = &list.all[index % list.all.len()];
        let hits = list.search(unit.name(), &SearchOptions { level: Some(unit.level()), limit: 1000, ..Default::default() });
        prop_assert!(hits.iter().any(|h| std::ptr::eq(h.unit, unit) && h.rank == MatchRank::Exact));
    }
}

/// The unit with this full name ("Quận 3, Thành phố Hồ Chí Minh"), for the case list below.
fn by_full_name<'a>(list: &'a Units, full: &str) -> Option<&'a Unit> {
    list.all.iter().find(|u| list.full_name(u) == full)
}

/// The search over how people write place names (`search_cases.tsv`): the expected unit comes first in at
/// least 95 % of the cases. Every failure is printed.
#[test]
fn search_finds_what_people_type() {
    let text = include_str!("search_cases.tsv");
    let (mut total, mut failures) = (0usize, Vec::new());
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [year, within, query, expected] = cols[..] else {
            panic!("bad case line {line:?}");
        };
        let list = if year == "2025" { u25() } else { u21() };
        assert!(by_full_name(list, expected).is_some(), "no unit {expected:?}");
        let within = (within != "-").then(|| {
            let unit = by_full_name(list, within).unwrap_or_else(|| panic!("no unit {within:?}"));
            UnitKey {
                level: unit.level(),
                code: unit.code(),
            }
        });
        let options = SearchOptions {
            within,
            limit: 5,
            ..Default::default()
        };
        let got = first(list, query, options).map(|(name, _)| name);
        total += 1;
        if got.as_deref() != Some(expected) {
            failures.push(format!("{year} {query:?}: want {expected:?}, got {got:?}"));
        }
    }
    let found = total - failures.len();
    println!(
        "search cases: {found}/{total} first ({:.1} %)",
        100.0 * found as f64 / total as f64
    );
    for f in &failures {
        println!("  miss: {f}");
    }
    assert!(total >= 150, "{total} cases");
    assert!(found * 100 >= total * 95, "{found}/{total}: {failures:#?}");
}

/// The cascading picker: with the level and the parent chosen (province in 2025, district in 2021), the
/// name typed without diacritics finds that unit first. Same-named wards in one parent are told apart
/// only by their diacritics, so a few misses are expected; the share must not fall.
#[test]
fn the_cascading_picker_finds_wards_by_their_plain_name() {
    let (mut total, mut found) = (0usize, 0usize);
    for list in [u25(), u21()] {
        for ward in list.all(UnitLevel::Ward) {
            let parent = list.parent(ward).unwrap();
            let options = SearchOptions {
                level: Some(UnitLevel::Ward),
                within: Some(UnitKey {
                    level: parent.level(),
                    code: parent.code(),
                }),
                limit: 1,
            };
            let plain = crate::units::fold(ward.short_name());
            let hits = list.search(&plain, &options);
            total += 1;
            found += usize::from(hits.first().is_some_and(|h| std::ptr::eq(h.unit, ward)));
        }
    }
    println!(
        "picker: {found}/{total} first ({:.2} %)",
        100.0 * found as f64 / total as f64
    );
    assert!(found * 1000 >= total * 996, "{found}/{total}");
}

/// The one-pass pre-filter of search (`Haystack::mark`) finds exactly the units whose names contain the
/// needle: every one of them, and no other (a match must not bleed across two names).
#[test]
fn search_prefilter_marks_exactly_the_names_that_contain_the_needle() {
    let mut needles: Vec<String> = [
        "an", "a", "n", "h", "phuong", "1", "10", "g\nx", "ng p", "hoankiem", "zz",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    // Ends of one name glued to the start of the next must not match.
    needles.extend(u21().all.windows(2).take(50).filter_map(|w| {
        let [a, b] = w else { return None };
        let tail: String = a
            .folded_name
            .chars()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let head: String = b.folded_name.chars().take(2).collect();
        Some(format!("{tail}{head}"))
    }));
    for list in [u21(), u25()] {
        for needle in &needles {
            for (hay, name_of) in [
                (&list.names, (|u: &Unit| &*u.folded_name) as fn(&Unit) -> &str),
                (&list.compact_names, |u: &Unit| &*u.compact_name),
            ] {
                let mut found = vec![false; list.all.len()];
                hay.mark(needle, &mut found);
                let expected: Vec<bool> = list
                    .all
                    .iter()
                    .map(|u| name_of(u).contains(needle.as_str()))
                    .collect();
                assert_eq!(found, expected, "{needle:?} in {:?}", list.scheme());
            }
        }
    }
}
