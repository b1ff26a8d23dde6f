//! `tokhai`: the headless client. Parses the command line and hands over to `commands`.

mod args;
mod commands;
mod context;
mod error;
mod output;
mod prompt;

use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;
use crate::context::Ctx;
use crate::output::Out;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out {
        lang: cli.lang,
        json: cli.json,
    };
    let result = Ctx::new(&cli).and_then(|ctx| commands::run(&ctx, &cli.command));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            out.error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}
