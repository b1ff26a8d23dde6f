//! What a purge removed, by kind and by reason, and how to say it: a person who purges minutes-old data
//! must not be told that it was "older than 21 days".

use serde::{Deserialize, Serialize};

use super::RetentionPolicy;
use crate::i18n::{Msg, count, en_count};

/// How many records a purge deleted, by kind and by the reason they went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    /// The retention period applied, in days.
    pub retention_days: i64,
    /// Declaration versions replaced by a newer one more than the period ago.
    pub declarations: usize,
    /// Visits that ended (or, still open, began) more than the period ago.
    pub visits: usize,
    /// Quarantine episodes that ended more than the period ago (their reports go with them).
    pub episodes: usize,
    /// Daily reports about days that ended more than the period ago.
    pub reports: usize,
    /// Sync-queue (outbox) entries the server already has, whatever their age.
    pub outbox_sent: usize,
    /// Sync-queue entries never sent and older than the period (the server would purge them on arrival).
    pub outbox_expired: usize,
}

impl PurgeReport {
    /// An empty report for `policy`.
    pub fn new(policy: &RetentionPolicy) -> Self {
        Self {
            retention_days: policy.period.num_days(),
            ..Self::default()
        }
    }

    /// Records deleted in all.
    pub fn total(&self) -> usize {
        self.declarations
            + self.visits
            + self.episodes
            + self.reports
            + self.outbox_sent
            + self.outbox_expired
    }

    /// Records deleted because of their age (everything but the sent sync-queue entries).
    pub fn aged(&self) -> usize {
        self.total() - self.outbox_sent
    }

    /// What was removed, each kind with its own reason; kinds with nothing removed are left out.
    pub fn msg(&self) -> Msg {
        let d = self.retention_days;
        let n = |k: usize| count(k);
        let mut vi = Vec::new();
        let mut en = Vec::new();
        if self.visits > 0 {
            vi.push(format!("{} lượt check-in đã kết thúc hơn {d} ngày", self.visits));
            en.push(format!(
                "{} that ended more than {}",
                en_count(n(self.visits), "visit", "visits"),
                en_count(d, "day ago", "days ago")
            ));
        }
        if self.declarations > 0 {
            vi.push(format!(
                "{} phiên bản tờ khai cũ đã được thay thế hơn {d} ngày",
                self.declarations
            ));
            en.push(format!(
                "{} replaced more than {}",
                en_count(
                    n(self.declarations),
                    "old declaration version",
                    "old declaration versions"
                ),
                en_count(d, "day ago", "days ago")
            ));
        }
        if self.episodes > 0 {
            vi.push(format!("{} đợt cách ly đã kết thúc hơn {d} ngày", self.episodes));
            en.push(format!(
                "{} that ended more than {}",
                en_count(n(self.episodes), "quarantine episode", "quarantine episodes"),
                en_count(d, "day ago", "days ago")
            ));
        }
        if self.reports > 0 {
            vi.push(format!(
                "{} báo cáo sức khỏe về những ngày đã qua hơn {d} ngày",
                self.reports
            ));
            en.push(format!(
                "{} about days more than {}",
                en_count(n(self.reports), "daily health report", "daily health reports"),
                en_count(d, "day ago", "days ago")
            ));
        }
        if self.outbox_sent > 0 {
            vi.push(format!(
                "{} mục trong hàng đợi đồng bộ mà máy chủ đã nhận",
                self.outbox_sent
            ));
            en.push(format!(
                "{} the server already has",
                en_count(n(self.outbox_sent), "sync-queue entry", "sync-queue entries")
            ));
        }
        if self.outbox_expired > 0 {
            vi.push(format!(
                "{} mục trong hàng đợi đồng bộ chưa gửi được, tạo hơn {d} ngày trước",
                self.outbox_expired
            ));
            en.push(format!(
                "{} never sent and made more than {}",
                en_count(n(self.outbox_expired), "sync-queue entry", "sync-queue entries"),
                en_count(d, "day ago", "days ago")
            ));
        }
        if vi.is_empty() {
            return Msg::owned(
                format!(
                    "Không có gì để xóa: không có dữ liệu nào quá {d} ngày, không có mục đã gửi nào trong hàng đợi đồng bộ."
                ),
                format!(
                    "Nothing to remove: nothing is older than {}, and no sent entry waits in the sync queue.",
                    en_count(d, "day", "days")
                ),
            );
        }
        let (mut vi, mut en) = (
            format!("Đã xóa {}.", vi.join("; ")),
            format!("Removed {}.", en.join("; ")),
        );
        if self.aged() == 0 {
            vi.push_str(&format!(" Không có dữ liệu nào quá {d} ngày."));
            en.push_str(&format!(
                " Nothing was older than {}.",
                en_count(d, "day", "days")
            ));
        }
        Msg::owned(vi, en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> PurgeReport {
        PurgeReport::new(&RetentionPolicy::default())
    }

    #[test]
    fn sent_entries_are_not_called_old() {
        let r = PurgeReport {
            outbox_sent: 11,
            ..report()
        };
        assert_eq!(
            r.msg().en,
            "Removed 11 sync-queue entries the server already has. Nothing was older than 21 days."
        );
        assert_eq!(
            r.msg().vi,
            "Đã xóa 11 mục trong hàng đợi đồng bộ mà máy chủ đã nhận. Không có dữ liệu nào quá 21 ngày."
        );
    }

    #[test]
    fn each_kind_says_its_own_reason_in_the_right_number() {
        let r = PurgeReport {
            visits: 1,
            declarations: 2,
            episodes: 1,
            reports: 3,
            outbox_sent: 1,
            outbox_expired: 2,
            ..report()
        };
        assert_eq!(r.total(), 10);
        assert_eq!(r.aged(), 9);
        assert_eq!(
            r.msg().en,
            "Removed 1 visit that ended more than 21 days ago; 2 old declaration versions replaced more than \
             21 days ago; 1 quarantine episode that ended more than 21 days ago; 3 daily health reports about \
             days more than 21 days ago; 1 sync-queue entry the server already has; 2 sync-queue entries never \
             sent and made more than 21 days ago."
        );
        assert!(
            r.msg()
                .vi
                .starts_with("Đã xóa 1 lượt check-in đã kết thúc hơn 21 ngày; ")
        );
        let one_day = PurgeReport {
            visits: 2,
            retention_days: 1,
            ..PurgeReport::default()
        };
        assert_eq!(
            one_day.msg().en,
            "Removed 2 visits that ended more than 1 day ago."
        );
    }

    #[test]
    fn nothing_removed_says_so() {
        assert_eq!(
            report().msg().en,
            "Nothing to remove: nothing is older than 21 days, and no sent entry waits in the sync queue."
        );
        assert_eq!(report().total(), 0);
    }
}
