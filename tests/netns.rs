//! Two network namespaces joined by a veth pair (hub side 10.231.0.1/24, station side
//! 10.231.0.2/24), with link profiles made of what this kernel has (network-faults-here.md):
//! `tc tbf` for the rate, `iptables -m statistic` for random loss, and a delaying proxy
//! (`cdk-netproxy`, in the hub's namespace) for latency; and partitions (`iptables -j DROP`).
//!
//! Names carry the test process's id and a counter, so parallel tests and parallel runs never
//! meet. `NetPair` deletes both namespaces on drop, after killing (by pid) whatever still runs
//! in them; namespaces left by a run that was itself killed are swept at the next start.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::binary;
use crate::process::Process;
use crate::proxy::Latency;

pub const HUB_IP: &str = "10.231.0.1";
pub const STATION_IP: &str = "10.231.0.2";

const PREFIX: &str = "cdk-";

/// A link's rate, loss and delay.
#[derive(Clone, Copy, Debug)]
pub struct LinkProfile {
    pub name: &'static str,
    /// tbf rate on each end of the veth pair, kbit/s.
    pub rate_kbit: u32,
    /// tbf `latency` (how long a packet may queue before tbf drops it), ms.
    pub queue_ms: u32,
    /// Probability that a packet arriving in either namespace is dropped.
    pub loss: f64,
    /// Added by the proxy in each direction: a round trip gains twice this.
    pub latency: Latency,
}

/// EDGE-class 2G: 64 kbit/s, 2 % loss each way, about 400 ms more per round trip.
pub const TWO_G: LinkProfile = LinkProfile {
    name: "2G",
    rate_kbit: 64,
    queue_ms: 400,
    loss: 0.02,
    latency: Latency { delay: Duration::from_millis(200), jitter: Duration::from_millis(75) },
};

/// Bad 2G: 16 kbit/s, 10 % loss each way, about 800 ms more per round trip.
pub const BAD_TWO_G: LinkProfile = LinkProfile {
    name: "bad-2G",
    rate_kbit: 16,
    queue_ms: 800,
    loss: 0.10,
    latency: Latency { delay: Duration::from_millis(400), jitter: Duration::from_millis(150) },
};

/// Why network-namespace tests cannot run here, if they cannot.
pub fn unavailable() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("?");
    if euid != "0" {
        return Some(format!("not running as root (euid {euid})"));
    }
    for (tool, args) in [("ip", &["netns", "list"][..]), ("tc", &["-V"]), ("iptables", &["-V"])] {
        match Command::new(tool).args(args).output() {
            Ok(o) if o.status.success() => {}
            Ok(o) => {
                return Some(format!("`{tool}` fails: {}", String::from_utf8_lossy(&o.stderr)));
            }
            Err(e) => return Some(format!("`{tool}` is not available: {e}")),
        }
    }
    None
}

/// Prints a SKIPPED line past the test harness's output capture and returns true when
/// namespace tests cannot run here.
pub fn skip(test: &str) -> bool {
    match unavailable() {
        Some(why) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
            true
        }
        None => false,
    }
}

fn run(args: &[&str]) -> Result<String, String> {
    let out = Command::new(args[0]).args(&args[1..]).output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!("`{}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
    }
}

#[track_caller]
fn must(args: &[&str]) -> String {
    run(args).unwrap_or_else(|e| panic!("{e}"))
}

/// Kills (by pid) what runs in `ns` and deletes it.
fn delete(ns: &str) {
    if let Ok(pids) = run(&["ip", "netns", "pids", ns]) {
        for pid in pids.split_whitespace() {
            let _ = run(&["kill", "-9", pid]);
        }
    }
    let _ = run(&["ip", "netns", "del", ns]);
}

/// Deletes namespaces of this harness whose test process is gone.
fn sweep_stale() {
    let Ok(list) = run(&["ip", "netns", "list"]) else { return };
    for name in list.lines().filter_map(|l| l.split_whitespace().next()) {
        let Some(rest) = name.strip_prefix(PREFIX) else { continue };
        // cdk-<role>-<pid>-<n>
        let parts: Vec<&str> = rest.split('-').collect();
        if let [_, pid, _] = parts[..]
            && pid.parse::<u32>().is_ok()
            && !Path::new("/proc").join(pid).exists()
        {
            delete(name);
        }
    }
}

/// The hub's and a station's namespaces and the veth pair between them.
pub struct NetPair {
    pub hub: String,
    pub station: String,
    hub_if: String,
    station_if: String,
}

impl NetPair {
    #[track_caller]
    pub fn create() -> NetPair {
        static SWEPT: OnceLock<()> = OnceLock::new();
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        SWEPT.get_or_init(sweep_stale);
        let pid = std::process::id();
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let pair = NetPair {
            hub: format!("{PREFIX}hub-{pid}-{n}"),
            station: format!("{PREFIX}st1-{pid}-{n}"),
            hub_if: format!("cdk{pid}h{n}"),
            station_if: format!("cdk{pid}s{n}"),
        };
        // From here on, drop cleans up whatever part was made.
        must(&["ip", "netns", "add", &pair.hub]);
        must(&["ip", "netns", "add", &pair.station]);
        must(&[
            "ip",
            "-n",
            &pair.hub,
            "link",
            "add",
            &pair.hub_if,
            "type",
            "veth",
            "peer",
            "name",
            &pair.station_if,
            "netns",
            &pair.station,
        ]);
        for (ns, dev, ip) in
            [(&pair.hub, &pair.hub_if, HUB_IP), (&pair.station, &pair.station_if, STATION_IP)]
        {
            must(&["ip", "-n", ns, "addr", "add", &format!("{ip}/24"), "dev", dev]);
            must(&["ip", "-n", ns, "link", "set", dev, "up"]);
            must(&["ip", "-n", ns, "link", "set", "lo", "up"]);
        }
        pair
    }

    /// `ip netns exec <ns> <program>`.
    pub fn exec(ns: &str, program: &Path) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns]).arg(program);
        c
    }

    fn sides(&self) -> [(&str, &str); 2] {
        [(&self.hub, &self.hub_if), (&self.station, &self.station_if)]
    }

    /// Rate and loss of `profile` on both ends of the link (the delay is the proxy's).
    pub fn shape(&self, profile: &LinkProfile) {
        for (ns, dev) in self.sides() {
            let (rate, queue) =
                (format!("{}kbit", profile.rate_kbit), format!("{}ms", profile.queue_ms));
            must(
                &["ip", "netns", "exec", ns, "tc", "qdisc", "replace", "dev", dev, "root", "tbf"]
                    .into_iter()
                    .chain(["rate", &rate, "burst", "1600", "latency", &queue])
                    .collect::<Vec<_>>(),
            );
            if profile.loss > 0.0 {
                let p = format!("{}", profile.loss);
                must(&[
                    "ip",
                    "netns",
                    "exec",
                    ns,
                    "iptables",
                    "-A",
                    "INPUT",
                    "-i",
                    dev,
                    "-m",
                    "statistic",
                    "--mode",
                    "random",
                    "--probability",
                    &p,
                    "-j",
                    "DROP",
                ]);
            }
        }
    }

    /// A hard partition: the hub's namespace drops every packet from the link.
    pub fn partition(&self) {
        must(&[
            "ip",
            "netns",
            "exec",
            &self.hub,
            "iptables",
            "-I",
            "INPUT",
            "1",
            "-i",
            &self.hub_if,
            "-j",
            "DROP",
        ]);
    }

    pub fn heal(&self) {
        must(&[
            "ip",
            "netns",
            "exec",
            &self.hub,
            "iptables",
            "-D",
            "INPUT",
            "-i",
            &self.hub_if,
            "-j",
            "DROP",
        ]);
    }

    /// Packets the partition rule has dropped so far.
    pub fn partition_drops(&self) -> u64 {
        let listing =
            must(&["ip", "netns", "exec", &self.hub, "iptables", "-L", "INPUT", "-v", "-x", "-n"]);
        listing
            .lines()
            .filter(|l| l.contains("DROP") && !l.contains("statistic"))
            .filter_map(|l| l.split_whitespace().next()?.parse::<u64>().ok())
            .sum()
    }

    /// Bytes the station's end of the link sent and received (IP packets, retransmissions
    /// included).
    pub fn station_link_bytes(&self) -> (u64, u64) {
        let read = |what: &str| -> u64 {
            let path = format!("/sys/class/net/{}/statistics/{what}", self.station_if);
            must(&["ip", "netns", "exec", &self.station, "cat", &path]).trim().parse().unwrap_or(0)
        };
        (read("tx_bytes"), read("rx_bytes"))
    }
}

impl Drop for NetPair {
    fn drop(&mut self) {
        delete(&self.station);
        delete(&self.hub);
    }
}

/// `cdk-netproxy` running inside a namespace: the delaying proxy of a link profile, counting
/// the bytes it carries.
pub struct NetProxy {
    process: Process,
    addr: SocketAddr,
}

impl NetProxy {
    pub fn start(ns: &str, listen_ip: &str, upstream: SocketAddr, latency: Latency) -> NetProxy {
        let mut cmd = NetPair::exec(ns, &binary("cdk-netproxy"));
        cmd.args(["--listen", &format!("{listen_ip}:0"), "--upstream", &upstream.to_string()])
            .args(["--delay-ms", &latency.delay.as_millis().to_string()])
            .args(["--jitter-ms", &latency.jitter.as_millis().to_string()]);
        let process = Process::spawn("cdk-netproxy", cmd);
        let addr = process.wait_line("listening on ", Duration::from_secs(30));
        let addr = addr.parse().unwrap_or_else(|e| panic!("proxy address {addr:?}: {e}"));
        NetProxy { process, addr }
    }

    pub fn https_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// Bytes carried up and down over every connection, once all have closed.
    pub fn bytes(&self) -> (u64, u64) {
        self.process.wait_stdout(Duration::from_secs(120), |lines| {
            let accepted = lines.iter().filter(|l| l.starts_with("accepted ")).count();
            let closed: Vec<(u64, u64)> = lines
                .iter()
                .filter_map(|l| {
                    let f: Vec<&str> = l.split_whitespace().collect();
                    match f[..] {
                        ["closed", _, "up", up, "down", down] => {
                            Some((up.parse().ok()?, down.parse().ok()?))
                        }
                        _ => None,
                    }
                })
                .collect();
            (closed.len() == accepted)
                .then(|| closed.iter().fold((0, 0), |(u, d), (cu, cd)| (u + cu, d + cd)))
        })
    }
}
