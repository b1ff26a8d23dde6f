//! Search of units by name, ignoring diacritics and case, ranked exact > prefix > word-prefix > contains.
//!
//! The query is prepared (`query.rs`: search keys, glued numbers, kind words) and compared with each
//! unit's short name ("hoan kiem"), full name ("phuong hoan kiem"), the same without spaces ("hoankiem",
//! for "hanoi", "danang"; whole or prefix matches only) and, for provinces, common short, English and
//! former names ("hn", "hcmc", "brvt", "thua thien hue"). A kind word at the start of the query ("Tỉnh",
//! "Thành phố", "TP", "Quận", "Q.", "Phường", "P.", "Xã", "X.", "ĐK", …) is optional: the query is also
//! tried without it, and a match that agrees with the kind word ranks first ("quận 1" puts Quận 1
//! before Phường 1).

use std::sync::LazyLock;

use serde::Serialize;

use super::data::{Unit, UnitKey, UnitKind, UnitLevel, Units};
use super::fold::search_key;
use super::query::Query;
use crate::declaration::UnitScheme;

/// Short, English and former names of provinces: (list, province code, name). Written plainly; they
/// are compared as search keys.
const PROVINCE_ALIASES: &[(Option<UnitScheme>, u32, &str)] = &[
    (None, 1, "hn"),
    (None, 1, "tp hn"),
    (None, 79, "hcm"),
    (None, 79, "tphcm"),
    (None, 79, "tp hcm"),
    (None, 79, "hcmc"),
    (None, 79, "sai gon"),
    (None, 79, "sg"),
    (None, 31, "hp"),
    (None, 46, "tth"),
    (None, 46, "tt hue"),
    (Some(UnitScheme::V2025), 46, "thua thien hue"),
    (Some(UnitScheme::V2021), 77, "brvt"),
    (Some(UnitScheme::V2021), 77, "br vt"),
    // Merged into Hồ Chí Minh City on 1 July 2025.
    (Some(UnitScheme::V2025), 79, "brvt"),
    (Some(UnitScheme::V2025), 79, "ba ria vung tau"),
];

/// An alias as a search key: (list, province code, key, compact key).
type Alias = (Option<UnitScheme>, u32, String, String);

/// The aliases as search keys, with their compact forms, per list.
static ALIASES: LazyLock<Vec<Alias>> = LazyLock::new(|| {
    PROVINCE_ALIASES
        .iter()
        .map(|&(scheme, code, alias)| {
            let key = search_key(alias);
            let compact = key.replace(' ', "");
            (scheme, code, key, compact)
        })
        .collect()
});

/// How many hits a search returns when the options do not say.
pub const DEFAULT_SEARCH_LIMIT: usize = 20;

/// How well a unit matches a query; better first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRank {
    /// The whole name (with or without its kind word) is the query.
    Exact,
    /// The name starts with the query.
    Prefix,
    /// A later word of the name starts with the query.
    WordPrefix,
    /// The query appears inside the name.
    Contains,
}

/// What to search and how many hits to return.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchOptions {
    /// Only units of this level.
    pub level: Option<UnitLevel>,
    /// Only units inside this one (a province, or a district of the 2021 list).
    pub within: Option<UnitKey>,
    /// At most this many hits; 0 means [`DEFAULT_SEARCH_LIMIT`].
    pub limit: usize,
}

/// One search result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SearchHit<'a> {
    /// The unit found.
    pub unit: &'a Unit,
    /// How well it matched.
    pub rank: MatchRank,
}

/// Sort key of a hit: rank, then whether the kind word had to be dropped, level, whether the query does
/// not spell the name with its diacritics ("Hạ Long" is not "Hà Long"), the more urban kind first (a
/// phường before a xã of the same name, as more people live there), shorter name, code.
type SortKey = (MatchRank, bool, UnitLevel, bool, u8, usize, u32);

/// Urban kinds first, within a level.
fn urban_order(kind: UnitKind) -> u8 {
    match kind {
        UnitKind::Municipality | UnitKind::UrbanDistrict | UnitKind::Ward => 0,
        UnitKind::Province | UnitKind::ProvincialCity | UnitKind::SpecialZone => 1,
        UnitKind::DistrictTown | UnitKind::Township => 2,
        UnitKind::RuralDistrict | UnitKind::Commune => 3,
    }
}

fn rank(key: &str, query: &str) -> Option<MatchRank> {
    // Keys are short (a few words) and a short query can match thousands of them: one pass of plain
    // byte comparisons, the first byte first, beats a substring searcher's set-up and calls to memcmp.
    let (key, query) = (key.as_bytes(), query.as_bytes());
    let first = *query.first()?;
    let mut best = None;
    for (at, &b) in key.iter().enumerate() {
        if b != first || !key.get(at..).is_some_and(|rest| starts_with(rest, query)) {
            continue;
        }
        let rank = match at {
            0 if key.len() == query.len() => MatchRank::Exact,
            0 => MatchRank::Prefix,
            _ if key.get(at - 1) == Some(&b' ') => MatchRank::WordPrefix,
            _ => MatchRank::Contains,
        };
        // The first occurrence at 0 or after a space is the best there is.
        if rank <= MatchRank::WordPrefix {
            return Some(rank);
        }
        best = Some(rank);
    }
    best
}

/// `text` starts with `prefix`, compared byte by byte (the first byte usually decides).
fn starts_with(text: &[u8], prefix: &[u8]) -> bool {
    text.len() >= prefix.len() && text.iter().zip(prefix).all(|(a, b)| a == b)
}

impl Units {
    /// Units whose name matches `query`, best first. Diacritics, case and punctuation are ignored
    /// ("ha tinh" finds "Hà Tĩnh", "tp.hcm" finds "Thành phố Hồ Chí Minh"). An empty query finds nothing.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Vec<SearchHit<'_>> {
        // Only a query with diacritics can spell a name more exactly than another with the same key.
        let raw_lower = Some(query.to_lowercase()).filter(|q| !q.is_ascii());
        let Some(query) = Query::new(query) else {
            return Vec::new();
        };
        let within = options.within.and_then(|k| self.get(k.level, k.code));
        if options.within.is_some() && within.is_none() {
            return Vec::new();
        }
        // Every key of a unit but an alias is a part of its folded full name (or of its compact form), and
        // the query without its kind word is a part of the query: a name that lacks it cannot match.
        let (needle, needle_compact) = query.needle();
        // The units whose full or compact name contains the needle, found with one pass over all names;
        // provinces are always tried (their aliases are not part of their names).
        let mut candidates = vec![false; self.all.len()];
        self.names.mark(needle, &mut candidates);
        self.compact_names.mark(needle_compact, &mut candidates);
        let mut hits: Vec<(SortKey, &Unit)> = Vec::new();
        for (unit, &candidate) in self.all.iter().zip(&candidates) {
            if options.level.is_some_and(|level| level != unit.level()) {
                continue;
            }
            if !candidate && unit.level() != UnitLevel::Province {
                continue;
            }
            let Some(best) = self.best_match(unit, &query) else {
                continue;
            };
            if within.is_some_and(|w| !self.is_within(unit, w)) {
                continue;
            }
            let key = (
                best.0,
                best.1,
                unit.level(),
                !raw_lower.as_ref().is_some_and(|q| q.contains(&*unit.lower_short)),
                urban_order(unit.kind()),
                unit.name_chars,
                unit.code(),
            );
            hits.push((key, unit));
        }
        let limit = if options.limit == 0 {
            DEFAULT_SEARCH_LIMIT
        } else {
            options.limit
        };
        // Only the best `limit` hits need sorting.
        if hits.len() > limit {
            hits.select_nth_unstable_by_key(limit, |&(key, _)| key);
            hits.truncate(limit);
        }
        hits.sort_by_key(|&(key, _)| key);
        hits.into_iter()
            .take(limit)
            .map(|((rank, ..), unit)| SearchHit { unit, rank })
            .collect()
    }

    /// The best match of one unit: its rank and whether the query's kind word had to be dropped.
    fn best_match(&self, unit: &Unit, query: &Query) -> Option<(MatchRank, bool)> {
        let whole = self
            .rank_unit(unit, &query.text, &query.compact)
            .map(|r| (r, false));
        let without_kind = query.kind.as_ref().and_then(|(word, rest, compact)| {
            let r = self.rank_unit(unit, rest, compact)?;
            // The kind word agrees with the unit's own kind ("quan 1" and Quận 1): as good as a whole match.
            let agrees = unit
                .folded_name
                .strip_suffix(&*unit.folded_short)
                .is_some_and(|prefix| {
                    let prefix = prefix.trim_end();
                    prefix == *word || fold_initials(prefix) == *word
                });
            Some((r, !agrees))
        });
        match (whole, without_kind) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// How well `text` (and its compact form) matches one of the unit's names.
    fn rank_unit(&self, unit: &Unit, text: &str, compact: &str) -> Option<MatchRank> {
        // Only provinces have aliases.
        let aliases: &[Alias] = if unit.level() == UnitLevel::Province {
            &ALIASES
        } else {
            &[]
        };
        let aliases = aliases
            .iter()
            .filter(|(scheme, code, ..)| *code == unit.code() && scheme.is_none_or(|s| s == self.scheme()));
        let spaced = [&*unit.folded_short, &*unit.folded_name]
            .into_iter()
            .chain(aliases.clone().map(|a| a.2.as_str()))
            .filter_map(|key| rank(key, text))
            .min();
        if spaced.is_some_and(|r| r <= MatchRank::Prefix) {
            return spaced;
        }
        // Without spaces only whole names and prefixes count: inside a run of letters any short query
        // would match.
        let compacted = [&*unit.compact_short, &*unit.compact_name]
            .into_iter()
            .chain(aliases.map(|a| a.3.as_str()))
            .filter_map(|key| {
                let (key, compact) = (key.as_bytes(), compact.as_bytes());
                if !starts_with(key, compact) {
                    None
                } else if key.len() == compact.len() {
                    Some(MatchRank::Exact)
                } else {
                    Some(MatchRank::Prefix)
                }
            })
            .min();
        match (spaced, compacted) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Initials of a folded kind word: "thanh pho" → "tp", "quan" → "q".
fn fold_initials(words: &str) -> String {
    words.split(' ').filter_map(|w| w.chars().next()).collect()
}
