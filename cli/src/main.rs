//! `tokhai`: the headless client.

use clap::Parser;

/// tokhai — khai báo y tế và quét mã QR / health declaration and QR check-in.
#[derive(Debug, Parser)]
#[command(name = "tokhai", version)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
}
