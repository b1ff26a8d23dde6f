//! `tokhai-server`: parse the configuration, start, hand over to the library.

use clap::Parser as _;
use tokhai_server::{Cli, Command, LogFormat};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let config = match cli.options.resolve() {
        Ok(c) => c,
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("tokhai-server: {e}");
            }
            return std::process::ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=warn"));
    match config.log_format {
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
        LogFormat::Text => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
    }
    let is_admin = matches!(cli.command, Some(Command::Admin(_)));
    let result = match cli.command {
        None | Some(Command::Serve) => tokhai_server::serve(config).await.map(|()| None),
        Some(Command::Admin(cmd)) => tokhai_server::admin(config, cmd).await.map(Some),
    };
    match result {
        Ok(Some(out)) => {
            #[allow(clippy::print_stdout)]
            {
                println!("{out}");
            }
            std::process::ExitCode::SUCCESS
        }
        Ok(None) => std::process::ExitCode::SUCCESS,
        Err(e) if is_admin => {
            // An operator at a terminal: the refusal itself, not a log line.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("tokhai-server: {e}");
            }
            std::process::ExitCode::FAILURE
        }
        Err(e) => {
            tracing::error!(error = %e, "tokhai-server failed");
            std::process::ExitCode::FAILURE
        }
    }
}
