//! `kejing`: the command-line interface and server of kejing (客经).

/// mimalloc, not the system allocator: glibc's malloc keeps what many threads free (argon2's
/// 19 MiB per password check, large pages) in per-thread arenas and never gives it back, so a
/// long-running server's memory only grows; mimalloc returns freed memory to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kejing::launch::run()
}
