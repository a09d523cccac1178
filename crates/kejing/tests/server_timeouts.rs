//! The server as a slow, silent or guessing client meets it: a request whose headers never
//! finish, and a kept-alive connection left idle, are closed after the header timeout instead of
//! holding a connection forever; one address that keeps guessing passwords is told to wait.
//! Runs the real binary on a loopback port.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(dir: &std::path::Path) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kejing"))
        .current_dir(dir)
        .env_remove("KEJING_DATABASE_URL")
        .env("KEJING_HEADER_TIMEOUT_SECS", "2")
        .args(["--db", "t.db", "serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out);
    let mut line = String::new();
    lines.read_line(&mut line).unwrap();
    // Keep reading what the server prints, so that its standard output stays open.
    std::thread::spawn(move || {
        let mut rest = String::new();
        while lines.read_line(&mut rest).is_ok_and(|n| n > 0) {
            rest.clear();
        }
    });
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    (Server(child), addr)
}

/// Reads until the server closes the connection; how long that took and what came.
fn until_closed(s: &mut TcpStream) -> (Duration, String) {
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => panic!("the connection was not closed: {e}"),
        }
    }
    (
        started.elapsed(),
        String::from_utf8_lossy(&got).into_owned(),
    )
}

#[test]
fn unfinished_headers_and_idle_connections_are_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let (_server, addr) = start(tmp.path());

    // Headers that never end.
    let mut slow = TcpStream::connect(&addr).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let (took, _) = until_closed(&mut slow);
    assert!(took < Duration::from_secs(10), "closed after {took:?}");

    // A complete request is answered; the kept-alive connection is then closed when idle.
    let mut idle = TcpStream::connect(&addr).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (took, reply) = until_closed(&mut idle);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(
        took < Duration::from_secs(10),
        "idle connection closed after {took:?}"
    );
}

/// One request on its own connection; the status code.
fn post_status(addr: &str, path: &str, body: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let (_, reply) = until_closed(&mut s);
    reply
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {reply:?}"))
}

#[test]
fn one_address_that_keeps_guessing_is_told_to_wait() {
    let tmp = tempfile::tempdir().unwrap();
    let (_server, addr) = start(tmp.path());
    let limit = kejing::web::limits::ADDRESS_ATTEMPTS;
    for i in 0..limit {
        let body = format!(r#"{{"username":"guess{i}","password":"x"}}"#);
        assert_eq!(post_status(&addr, "/api/login", &body), 401, "attempt {i}");
    }
    let body = r#"{"username":"admin","password":"x"}"#;
    assert_eq!(post_status(&addr, "/api/login", body), 429);
}
