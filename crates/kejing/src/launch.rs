//! The composition root of the binary: parses the command line, runs `serve` and `demo` (the
//! web server) itself and hands every other verb to the CLI. The only module that knows both
//! the CLI and the web.

use crate::cli::{self, Command, Global, WebArgs};
use crate::web;
use anyhow::Result;
use std::process::ExitCode;

/// Runs the command line; the process's exit status.
pub fn run() -> ExitCode {
    let parsed = cli::parse();
    let result = match parsed.command {
        Command::Serve { addr, web: w } => serve(&parsed.global, &addr, &w),
        Command::Demo {
            addr,
            scale,
            no_serve,
            web: w,
        } => demo(&parsed.global, &addr, scale, no_serve, &w),
        _ => cli::dispatch(parsed),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of standard output went away (`| head`): not an error of ours.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(g: &Global, addr: &str, w: &WebArgs) -> Result<()> {
    drop(cli::open(g)?);
    web::serve(web_config(g, w)?, addr, "")
}

fn demo(g: &Global, addr: &str, scale: u32, no_serve: bool, w: &WebArgs) -> Result<()> {
    let config = web_config(g, w)?;
    let mut store = cli::open(g)?;
    cli::load_demo(&mut store, scale)?;
    let banner = cli::demo_web(&mut store, &config.policies)?;
    drop(store);
    if no_serve {
        outln!("{banner}");
        return Ok(());
    }
    web::serve(config, addr, &banner)
}

fn web_config(g: &Global, w: &WebArgs) -> Result<web::Config> {
    let policies = if w.policies.is_dir() {
        w.policies.clone()
    } else {
        // The shipped policies, in a private folder of this process (kept while it runs).
        let dir = kejing_app::catalogue::shipped_folder()?;
        dir.keep()
    };
    Ok(web::Config {
        db: g.db.clone(),
        policies,
        uploads: match &w.uploads {
            Some(dir) => dir.clone(),
            // A private folder of this process (mode 0700, a random name), never a fixed path
            // in the shared temporary directory.
            None => kejing_app::catalogue::private_folder("kejing-uploads-")?,
        },
        secure_cookies: w.secure_cookies,
    })
}
