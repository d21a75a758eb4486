//! `cdk-netproxy`: the harness's delaying TCP proxy as a process of its own, so that it can run
//! inside a network namespace (`ip netns exec`). Test tooling, not part of CaseDesk.
//!
//! `cdk-netproxy --listen IP:PORT --upstream IP:PORT [--delay-ms N] [--jitter-ms N]` prints
//! `listening on ADDR`, then `accepted ID` and `closed ID up BYTES down BYTES` per connection,
//! and runs until killed.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use casedesk_tests::proxy::{ConnStats, Latency, Observer, Proxy};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
    };
    let ms =
        |name: &str| Duration::from_millis(value(name).and_then(|v| v.parse().ok()).unwrap_or(0));
    let (Some(listen), Some(upstream)) = (value("--listen"), value("--upstream")) else {
        eprintln!(
            "usage: cdk-netproxy --listen IP:PORT --upstream IP:PORT [--delay-ms N] [--jitter-ms N]"
        );
        return ExitCode::from(2);
    };
    let Ok(upstream) = upstream.parse::<SocketAddr>() else {
        eprintln!("--upstream: not an address: {upstream}");
        return ExitCode::from(2);
    };
    let observer: Observer = Arc::new(|what: &str, c: &ConnStats| {
        use std::sync::atomic::Ordering::SeqCst;
        match what {
            "closed" => {
                println!("closed {} up {} down {}", c.id, c.up.load(SeqCst), c.down.load(SeqCst))
            }
            _ => println!("{what} {}", c.id),
        }
    });
    let proxy = Proxy::start_on(listen, upstream, Some(observer));
    proxy.set_latency(Latency { delay: ms("--delay-ms"), jitter: ms("--jitter-ms") });
    println!("listening on {}", proxy.addr());
    loop {
        std::thread::park();
    }
}
