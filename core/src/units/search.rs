//! Search of units by name, ignoring diacritics and case, ranked exact > prefix > word-prefix > contains.
//!
//! The query is folded (see `fold.rs`) and compared with each unit's pre-folded short name ("hoan kiem"),
//! full name ("phuong hoan kiem") and, for a few provinces, common abbreviations ("tp hcm", "hn"). A kind
//! word at the start of the query ("Tỉnh", "Thành phố", "TP", "Quận", "Q.", "Phường", "P.", "Xã", …) is
//! optional: the query is also tried without it, and a match that agrees with the kind word ranks first
//! ("quận 1" puts Quận 1 before Phường 1).

use serde::Serialize;

use super::data::{Unit, UnitKey, UnitLevel, Units};
use super::fold::fold;

/// Kind words a person may type before a name, folded. Longest first, so "thanh pho" wins over "t".
const KIND_WORDS: &[&str] = &[
    "thanh pho",
    "thi tran",
    "dac khu",
    "phuong",
    "thi xa",
    "huyen",
    "tinh",
    "quan",
    "tp",
    "tx",
    "tt",
    "xa",
    "p",
    "q",
    "h",
];

/// Abbreviations and other names of provinces, folded: (province code, alias). The codes of these
/// provinces are the same in both lists.
const PROVINCE_ALIASES: &[(u32, &str)] = &[
    (1, "hn"),
    (79, "hcm"),
    (79, "tphcm"),
    (79, "tp hcm"),
    (79, "sai gon"),
    (79, "saigon"),
    (79, "sg"),
];

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

/// Sort key of a hit: rank, then whether the kind word had to be dropped, then level, shorter name, code.
type SortKey = (MatchRank, bool, UnitLevel, usize, u32);

fn rank(key: &str, query: &str) -> Option<MatchRank> {
    let mut best = None;
    // One pass over the occurrences: at 0 is a prefix (or the whole key), after a space a word prefix.
    for (at, _) in key.match_indices(query) {
        let rank = match at {
            0 if key.len() == query.len() => return Some(MatchRank::Exact),
            0 => MatchRank::Prefix,
            _ if key.as_bytes().get(at - 1) == Some(&b' ') => MatchRank::WordPrefix,
            _ => MatchRank::Contains,
        };
        best = Some(best.map_or(rank, |b: MatchRank| b.min(rank)));
        if rank <= MatchRank::WordPrefix {
            break;
        }
    }
    best
}

/// The query without a leading kind word, and the kind word itself (folded).
fn split_kind_word(query: &str) -> Option<(&'static str, &str)> {
    KIND_WORDS.iter().find_map(|&word| {
        let rest = query.strip_prefix(word)?.strip_prefix(' ')?;
        (!rest.is_empty()).then_some((word, rest))
    })
}

impl Units {
    /// Units whose name matches `query`, best first. Diacritics, case and punctuation are ignored
    /// ("ha tinh" finds "Hà Tĩnh", "tp.hcm" finds "Thành phố Hồ Chí Minh"). An empty query finds nothing.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Vec<SearchHit<'_>> {
        let query = fold(query);
        if query.is_empty() {
            return Vec::new();
        }
        let stripped = split_kind_word(&query);
        let within = options.within.and_then(|k| self.get(k.level, k.code));
        if options.within.is_some() && within.is_none() {
            return Vec::new();
        }
        // Every key of a unit but an alias is a part of its folded full name, and the query without its
        // kind word is a part of the query: a name that lacks it cannot match at all.
        let needle = stripped.map_or(query.as_str(), |(_, rest)| rest);
        let mut hits: Vec<(SortKey, &Unit)> = Vec::new();
        for unit in &self.all {
            if options.level.is_some_and(|level| level != unit.level()) {
                continue;
            }
            if unit.level() != UnitLevel::Province && !unit.folded_name.contains(needle) {
                continue;
            }
            let Some(best) = Self::best_match(unit, &query, stripped) else {
                continue;
            };
            if within.is_some_and(|w| !self.is_within(unit, w)) {
                continue;
            }
            let key = (
                best.0,
                best.1,
                unit.level(),
                unit.name().chars().count(),
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
    fn best_match(unit: &Unit, query: &str, stripped: Option<(&str, &str)>) -> Option<(MatchRank, bool)> {
        let aliases = PROVINCE_ALIASES
            .iter()
            .filter(|(code, _)| unit.level() == UnitLevel::Province && *code == unit.code())
            .map(|(_, alias)| *alias);
        let keys = || {
            [&*unit.folded_short, &*unit.folded_name]
                .into_iter()
                .chain(aliases.clone())
        };
        let whole = keys()
            .filter_map(|key| rank(key, query))
            .min()
            .map(|r| (r, false));
        let without_kind = stripped.and_then(|(word, rest)| {
            let r = keys().filter_map(|key| rank(key, rest)).min()?;
            // The kind word agrees with the unit's own kind ("quan 1" and Quận 1): as good as a whole match.
            let agrees = unit
                .folded_name
                .strip_suffix(&*unit.folded_short)
                .is_some_and(|prefix| {
                    let prefix = prefix.trim_end();
                    prefix == word || fold_initials(prefix) == word
                });
            Some((r, !agrees))
        });
        match (whole, without_kind) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Initials of a folded kind word: "thanh pho" → "tp", "quan" → "q".
fn fold_initials(words: &str) -> String {
    words.split(' ').filter_map(|w| w.chars().next()).collect()
}
