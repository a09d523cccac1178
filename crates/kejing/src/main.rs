//! `kejing`: the command-line interface and server of kejing (客经).

fn main() -> std::process::ExitCode {
    kejing::launch::run()
}
