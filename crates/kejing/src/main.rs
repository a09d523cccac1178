//! `kejing`: the command-line interface and server of kejing (客经).

/// `println!` that returns an error instead of panicking when standard output is gone (for
/// example `kejing settle … | head`).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($t)*)?;
    }};
}

/// `print!` that returns an error instead of panicking when standard output is gone.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($t)*)?;
    }};
}

mod cli;
mod generate;
mod policies;
mod serve;

fn main() -> std::process::ExitCode {
    cli::run()
}
