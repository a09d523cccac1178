//! `kejing`: the command-line interface and server of kejing (客经).

mod cli;
mod generate;
mod policies;
mod serve;

fn main() -> std::process::ExitCode {
    cli::run()
}
