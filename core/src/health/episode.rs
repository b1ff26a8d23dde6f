//! Quarantine episodes: starting one, extending it, ending it early.
//!
//! An episode covers the calendar days `start ..= last_day()` in its own UTC offset (Vietnam's, +07:00,
//! unless told otherwise). `expected_end` is the planned last day; an extension moves it later; an early
//! end sets `ended_on`, which then is the last day. An ended episode is not extended again (a new
//! episode is started instead), so the history stays what happened.
//!
//! **One person, one quarantine at a time** (`plan_start`): a person's episodes never share a day, and
//! at most one is *open* (not ended early, last day not yet over). Starting a quarantine while one is open
//! does what a health officer expects of a new order given during a quarantine: it **extends the open
//! episode** instead of opening a second one. The episode keeps its id and reports; it runs from the
//! earlier of the two starts to the later of the two expected ends, and takes the new order's kind and
//! place (where the person is now). A new order that would leave a gap after the open episode (it starts
//! more than a day after the open one's last day) is refused: the open one must be ended or extended
//! first, else the days in between would read as missed reports. A new episode may not cover the days of
//! an earlier one either. Reports go to the episode that covers their day (`current_episode`).

use chrono::{DateTime, NaiveDate, Utc};

use super::model::{QuarantineEpisode, QuarantineKind};
use crate::calendar::{day_end, day_start, is_valid_utc_offset};
use crate::declaration::clean_line;
use crate::i18n::{Localized, Msg};
use crate::ids::{EpisodeId, PersonId};

/// The longest episode accepted, in days (start and last day included).
pub const MAX_EPISODE_DAYS: i64 = 120;
/// The longest place name accepted, in characters.
pub const EPISODE_PLACE_MAX: usize = 200;

/// Why an episode cannot be started or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EpisodeError {
    /// The last day precedes the first.
    #[error("episode ends before it starts")]
    EndBeforeStart,
    /// Longer than [`MAX_EPISODE_DAYS`].
    #[error("episode too long")]
    TooLong,
    /// Not a real UTC offset.
    #[error("invalid UTC offset")]
    UtcOffset,
    /// The place name is too long or holds control characters.
    #[error("invalid place name")]
    Place,
    /// An extension must move the expected end later.
    #[error("extension not later than the current end")]
    ExtensionNotLater,
    /// The episode has already ended.
    #[error("episode already ended")]
    AlreadyEnded,
    /// An early end must fall within the episode.
    #[error("end day outside the episode")]
    EndOutsideEpisode,
    /// A new episode would start after a gap while another one, lasting until this day, is open.
    #[error("a quarantine is open")]
    OpenEpisode(NaiveDate),
    /// A new episode would cover days of an earlier one, which ended on this day.
    #[error("overlaps an earlier quarantine")]
    OverlapsEarlier(NaiveDate),
}

impl EpisodeError {
    /// The field of a quarantine order the refusal belongs to (`start`, `expected_end`, `place`): where a
    /// front end shows it.
    pub fn field(self) -> &'static str {
        match self {
            Self::EndBeforeStart | Self::TooLong | Self::ExtensionNotLater | Self::EndOutsideEpisode => {
                "expected_end"
            }
            Self::Place => "place",
            Self::UtcOffset | Self::AlreadyEnded | Self::OpenEpisode(_) | Self::OverlapsEarlier(_) => "start",
        }
    }
}

impl Localized for EpisodeError {
    fn code(&self) -> &'static str {
        match self {
            Self::EndBeforeStart => "episode_end_before_start",
            Self::TooLong => "episode_too_long",
            Self::UtcOffset => "episode_utc_offset",
            Self::Place => "episode_place",
            Self::ExtensionNotLater => "episode_extension_not_later",
            Self::AlreadyEnded => "episode_already_ended",
            Self::EndOutsideEpisode => "episode_end_outside",
            Self::OpenEpisode(_) => "episode_open",
            Self::OverlapsEarlier(_) => "episode_overlaps_earlier",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::EndBeforeStart => Msg::new(
                "Ngày kết thúc cách ly phải sau ngày bắt đầu.",
                "The quarantine must end after it starts.",
            ),
            Self::TooLong => Msg::owned(
                format!("Thời gian cách ly tối đa {MAX_EPISODE_DAYS} ngày."),
                format!("A quarantine lasts at most {MAX_EPISODE_DAYS} days."),
            ),
            Self::UtcOffset => Msg::new("Múi giờ không hợp lệ.", "Invalid time zone offset."),
            Self::Place => Msg::owned(
                format!("Nơi cách ly tối đa {EPISODE_PLACE_MAX} ký tự, trên một dòng."),
                format!("The quarantine place is one line of at most {EPISODE_PLACE_MAX} characters."),
            ),
            Self::ExtensionNotLater => Msg::new(
                "Ngày kết thúc mới phải sau ngày kết thúc dự kiến hiện tại.",
                "The new end must be after the current expected end.",
            ),
            Self::AlreadyEnded => Msg::new(
                "Đợt cách ly này đã kết thúc.",
                "This quarantine has already ended.",
            ),
            Self::EndOutsideEpisode => Msg::new(
                "Ngày kết thúc phải nằm trong thời gian cách ly.",
                "The end day must fall within the quarantine.",
            ),
            Self::OpenEpisode(last) => Msg::owned(
                format!(
                    "Đang có đợt cách ly đến hết ngày {last}. Hãy gia hạn đợt này, hoặc kết thúc nó \
                     trước khi bắt đầu đợt mới."
                ),
                format!("A quarantine is open until {last}. Extend it, or end it before starting a new one."),
            ),
            Self::OverlapsEarlier(last) => Msg::owned(
                format!("Đợt cách ly mới phải bắt đầu sau ngày {last}, ngày cuối của đợt trước."),
                format!("The new quarantine must start after {last}, the last day of the previous one."),
            ),
        }
    }
}

fn check_span(start: NaiveDate, last: NaiveDate) -> Result<(), EpisodeError> {
    if last < start {
        return Err(EpisodeError::EndBeforeStart);
    }
    if (last - start).num_days() + 1 > MAX_EPISODE_DAYS {
        return Err(EpisodeError::TooLong);
    }
    Ok(())
}

impl QuarantineEpisode {
    /// A new episode of `person`, from `start` to `expected_end` (both included), with calendar days at
    /// `utc_offset_minutes` from UTC.
    pub fn new(
        person: PersonId,
        kind: QuarantineKind,
        place: Option<&str>,
        start: NaiveDate,
        expected_end: NaiveDate,
        utc_offset_minutes: i32,
    ) -> Result<Self, EpisodeError> {
        check_span(start, expected_end)?;
        if !is_valid_utc_offset(utc_offset_minutes) {
            return Err(EpisodeError::UtcOffset);
        }
        let place = match place {
            Some(p) => clean_line(p, EPISODE_PLACE_MAX).map_err(|_| EpisodeError::Place)?,
            None => None,
        };
        Ok(Self {
            id: EpisodeId::random(),
            person,
            kind,
            place,
            start,
            expected_end,
            ended_on: None,
            utc_offset_minutes,
        })
    }

    /// The last day of the episode: the early end if there was one, else the expected end.
    pub fn last_day(&self) -> NaiveDate {
        self.ended_on.unwrap_or(self.expected_end)
    }

    /// The days of the episode, first to last (at most [`MAX_EPISODE_DAYS`], whatever the stored dates).
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        let last = self.last_day();
        self.start
            .iter_days()
            .take_while(move |d| *d <= last)
            .take(usize::try_from(MAX_EPISODE_DAYS).unwrap_or(0))
    }

    /// Whether `now` falls within the episode's days.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        day_start(self.start, self.utc_offset_minutes) <= now
            && now < day_end(self.last_day(), self.utc_offset_minutes)
    }

    /// Whether the episode is over at `now` (its last day has ended).
    pub fn is_over(&self, now: DateTime<Utc>) -> bool {
        day_end(self.last_day(), self.utc_offset_minutes) <= now
    }

    /// The episode with its expected end moved later to `new_end`.
    pub fn extend(&self, new_end: NaiveDate) -> Result<Self, EpisodeError> {
        if self.ended_on.is_some() {
            return Err(EpisodeError::AlreadyEnded);
        }
        if new_end <= self.expected_end {
            return Err(EpisodeError::ExtensionNotLater);
        }
        check_span(self.start, new_end)?;
        Ok(Self {
            expected_end: new_end,
            ..self.clone()
        })
    }

    /// Whether the episode is still open at `now`: not ended early and its last day not over.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.ended_on.is_none() && !self.is_over(now)
    }

    /// Whether the episode shares a day with `start ..= last`.
    fn overlaps(&self, start: NaiveDate, last: NaiveDate) -> bool {
        self.start <= last && start <= self.last_day()
    }

    /// The episode ended early, `last_day` being its last day (between its start and expected end).
    pub fn end_early(&self, last_day: NaiveDate) -> Result<Self, EpisodeError> {
        if self.ended_on.is_some() {
            return Err(EpisodeError::AlreadyEnded);
        }
        if last_day < self.start || last_day > self.expected_end {
            return Err(EpisodeError::EndOutsideEpisode);
        }
        Ok(Self {
            ended_on: Some(last_day),
            ..self.clone()
        })
    }
}

/// What starting a quarantine does (`plan_start`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartPlan {
    /// No quarantine was open: a new episode.
    New(QuarantineEpisode),
    /// A quarantine was open: it is extended to cover the new order (same id, reports kept).
    Extended(QuarantineEpisode),
}

impl StartPlan {
    /// The episode to store.
    pub fn episode(&self) -> &QuarantineEpisode {
        match self {
            Self::New(e) | Self::Extended(e) => e,
        }
    }
}

/// The open episode of a person among `episodes` (theirs or anyone's) at `now`: the one not ended early
/// whose last day is not over; the latest started if older data holds several.
pub fn open_episode(
    episodes: &[QuarantineEpisode],
    person: PersonId,
    now: DateTime<Utc>,
) -> Option<&QuarantineEpisode> {
    episodes
        .iter()
        .filter(|e| e.person == person && e.is_open(now))
        .max_by_key(|e| e.start)
}

/// The episode a report for `day` belongs to: the person's episode covering that day (the latest started
/// if older data holds several), else their open one, else their latest.
pub fn current_episode(
    episodes: &[QuarantineEpisode],
    person: PersonId,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Option<&QuarantineEpisode> {
    let theirs = || episodes.iter().filter(move |e| e.person == person);
    theirs()
        .filter(|e| e.start <= day && day <= e.last_day())
        .max_by_key(|e| e.start)
        .or_else(|| open_episode(episodes, person, now))
        .or_else(|| theirs().max_by_key(|e| e.start))
}

/// What starting `new` does to its person's `episodes` at `now` (the rule in the module documentation):
/// a new episode, the open one extended, or a refusal.
pub fn plan_start(
    episodes: &[QuarantineEpisode],
    new: QuarantineEpisode,
    now: DateTime<Utc>,
) -> Result<StartPlan, EpisodeError> {
    let open = open_episode(episodes, new.person, now);
    let plan = match open {
        Some(open) => {
            if open.last_day().succ_opt().is_some_and(|next| new.start > next) {
                return Err(EpisodeError::OpenEpisode(open.last_day()));
            }
            let start = open.start.min(new.start);
            let expected_end = open.expected_end.max(new.expected_end);
            check_span(start, expected_end)?;
            StartPlan::Extended(QuarantineEpisode {
                start,
                expected_end,
                kind: new.kind,
                place: new.place.or_else(|| open.place.clone()),
                ..open.clone()
            })
        }
        None => StartPlan::New(new),
    };
    let e = plan.episode();
    let earlier = episodes
        .iter()
        .filter(|o| o.person == e.person && o.id != e.id && o.overlaps(e.start, e.last_day()))
        .map(QuarantineEpisode::last_day)
        .max();
    match earlier {
        Some(last) => Err(EpisodeError::OverlapsEarlier(last)),
        None => Ok(plan),
    }
}
