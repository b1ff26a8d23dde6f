//! One file per group of commands; `run` dispatches.
//!
//! - `declare.rs`: `declare` (file, flags or questions); `interview.rs`: the questions, checked one by one.
//! - `people.rs`: `people`, `declaration show|history`, choosing a person with `--for`.
//! - `visits.rs`: `checkin`, `checkout`, `visits`, `visit edit`.
//! - `health.rs`: `health start|report|status|extend|end`.
//! - `qr.rs`: `qr personal|checkpoint|poster|keygen`, `trust add|show`.
//! - `scan.rs`: `scan`, `checkin --image`, `kiosk` (photos and the webcam).
//! - `sync.rs`: `login`, `logout`, `sync`, `status`, `alerts`, `areas`, `account delete` (the sync client in
//!   core).
//! - `data.rs`: `purge`, `export`, `wipe`.
//! - `time.rs`: times and days as typed.

mod data;
mod declare;
mod health;
mod interview;
mod people;
mod qr;
mod scan;
mod sync;
mod time;
mod visits;

use crate::args::{AccountCommand, Command, DeclarationCommand, VisitCommand};
use crate::context::Ctx;
use crate::error::CliError;

pub(crate) fn run(ctx: &Ctx, command: &Command) -> Result<(), CliError> {
    match command {
        Command::Declare(args) => declare::declare(ctx, args),
        Command::Declaration {
            command: DeclarationCommand::Show(args),
        } => people::show(ctx, args),
        Command::Declaration {
            command: DeclarationCommand::History(args),
        } => people::history(ctx, args),
        Command::People => people::people(ctx),
        Command::Checkin(args) => visits::checkin(ctx, args),
        Command::Checkout => visits::checkout(ctx),
        Command::Visits => visits::visits(ctx),
        Command::Visit {
            command: VisitCommand::Edit(args),
        } => visits::edit(ctx, args),
        Command::Health { command } => health::run(ctx, command),
        Command::Scan { files, time_limit_ms } => scan::scan(ctx, files, *time_limit_ms),
        Command::Kiosk(args) => scan::kiosk(ctx, args),
        Command::Qr { command } => qr::run(ctx, command),
        Command::Trust { command } => qr::trust(ctx, command),
        Command::Login(args) => sync::login(ctx, args),
        Command::Logout => sync::logout(ctx),
        Command::Sync => sync::sync(ctx),
        Command::Status => sync::status(ctx),
        Command::Alerts => sync::alerts(ctx),
        Command::Areas => sync::areas(ctx),
        Command::Purge => data::purge(ctx),
        Command::Export(args) => data::export(ctx, args),
        Command::Wipe(args) => data::wipe(ctx, args),
        Command::Account {
            command: AccountCommand::Delete(args),
        } => sync::delete_account(ctx, args),
    }
}
