//! A TCP proxy between stations and the hub, on plain threads, that misbehaves on request.
//!
//! Each connection is two pumps (client → hub is "up", hub → client is "down"). A pump's reader
//! stamps every chunk with the time it may leave (now + delay ± jitter, never before the chunk
//! ahead of it) and its writer holds the chunk until then, so latency adds to every round trip
//! without slowing the stream down. TLS passes through untouched (the station still pins the
//! hub's certificate); the proxy only counts and cuts bytes.
//!
//! Faults are armed one at a time and fire once, on whichever connection first meets them:
//! `Fault::CutUp` cuts a request in the middle, `Fault::CutDown` cuts a reply in the middle.
//! For plain-HTTP hubs the proxy can also capture the traffic (to replay requests later with
//! `http1::exchange`), send a second copy of every push to the hub, concurrently with the
//! first, or answer every push itself with a given status (`refuse_pushes`: a hub that refuses).

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::http1::{self, Message};

/// A one-shot fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Cut the connection once `after` bytes have gone up (client → hub) on it.
    CutUp { after: u64 },
    /// On a connection that has carried at least `after_up` bytes up, let `after_down` more
    /// bytes go down (hub → client), then cut.
    CutDown { after_up: u64, after_down: u64 },
}

/// Added to each direction of every connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Latency {
    /// One-way delay.
    pub delay: Duration,
    /// Each chunk's delay is `delay` ± up to `jitter` (uniform), never reordering chunks.
    pub jitter: Duration,
}

/// A fault that fired: on which connection and after how many bytes each way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fired {
    pub conn: usize,
    pub fault: Fault,
    pub up: u64,
    pub down: u64,
}

/// A push the proxy sent a second time, and the hub's answer to the copy.
#[derive(Clone, Debug)]
pub struct Duplicate {
    pub request: Message,
    pub response: Result<Message, String>,
}

/// Byte counts of one connection.
#[derive(Debug, Default)]
pub struct ConnStats {
    pub id: usize,
    /// Bytes delivered to the hub.
    pub up: AtomicU64,
    /// Bytes delivered to the client.
    pub down: AtomicU64,
}

/// Called with `"accepted"` or `"closed"` and the connection's counts (for `cdk-netproxy`).
pub type Observer = Arc<dyn Fn(&str, &ConnStats) + Send + Sync>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Up,
    Down,
}

struct Conn {
    stats: ConnStats,
    /// Bytes read from each side so far (faults are decided on these).
    read_up: AtomicU64,
    read_down: AtomicU64,
    captured_up: Mutex<Vec<u8>>,
    captured_down: Mutex<Vec<u8>>,
    /// Pumps finished (2: closed).
    done: AtomicUsize,
    client: TcpStream,
    server: TcpStream,
}

impl Conn {
    fn cut(&self) {
        let _ = self.client.shutdown(Shutdown::Both);
        let _ = self.server.shutdown(Shutdown::Both);
    }
}

struct Shared {
    upstream: Mutex<SocketAddr>,
    latency: Mutex<Latency>,
    armed: Mutex<Option<Fault>>,
    fired: Mutex<Vec<Fired>>,
    capture: AtomicBool,
    duplicate_pushes: AtomicBool,
    /// Answer every push request with this status and JSON body instead of forwarding it.
    refuse_pushes: Mutex<Option<(u16, String)>>,
    refused: AtomicUsize,
    pending_duplicates: AtomicUsize,
    duplicates: Mutex<Vec<Duplicate>>,
    conns: Mutex<Vec<Arc<Conn>>>,
    stop: AtomicBool,
    rng: Mutex<StdRng>,
    observer: Option<Observer>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// How many of `n` bytes just read may go on, and whether to cut after them.
    fn decide(&self, dir: Dir, conn: &Conn, n: u64) -> (u64, bool) {
        let mut armed = lock(&self.armed);
        let Some(fault) = *armed else { return (n, false) };
        let up = conn.read_up.load(Ordering::SeqCst);
        let down = conn.read_down.load(Ordering::SeqCst);
        let forward = match (fault, dir) {
            (Fault::CutUp { after }, Dir::Up) if up + n >= after => after.saturating_sub(up),
            (Fault::CutDown { after_up, after_down }, Dir::Down) if up >= after_up => {
                after_down.min(n)
            }
            _ => return (n, false),
        };
        *armed = None;
        let (up, down) = match dir {
            Dir::Up => (up + forward, down),
            Dir::Down => (up, down + forward),
        };
        lock(&self.fired).push(Fired { conn: conn.stats.id, fault, up, down });
        (forward, true)
    }

    fn leave_at(&self, after: Instant) -> Instant {
        let l = *lock(&self.latency);
        let mut at = Instant::now() + l.delay;
        if !l.jitter.is_zero() {
            let j = l.jitter.as_secs_f64();
            let shift = lock(&self.rng).random_range(-j..=j);
            at = if shift >= 0.0 {
                at + Duration::from_secs_f64(shift)
            } else {
                at.checked_sub(Duration::from_secs_f64(-shift)).unwrap_or(at)
            };
        }
        at.max(after)
    }
}

/// A running proxy. Stops (and cuts its connections) on drop.
pub struct Proxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Proxy {
    /// A proxy on 127.0.0.1 (any free port) to `upstream`.
    pub fn start(upstream: SocketAddr) -> Proxy {
        Proxy::start_on("127.0.0.1:0", upstream, None)
    }

    /// A proxy listening on `listen` to `upstream`, telling `observer` about connections.
    pub fn start_on(listen: &str, upstream: SocketAddr, observer: Option<Observer>) -> Proxy {
        let listener =
            TcpListener::bind(listen).unwrap_or_else(|e| panic!("proxy cannot listen: {e}"));
        let addr = listener.local_addr().expect("proxy address");
        let shared = Arc::new(Shared {
            upstream: Mutex::new(upstream),
            latency: Mutex::new(Latency::default()),
            armed: Mutex::new(None),
            fired: Mutex::new(Vec::new()),
            capture: AtomicBool::new(false),
            duplicate_pushes: AtomicBool::new(false),
            refuse_pushes: Mutex::new(None),
            refused: AtomicUsize::new(0),
            pending_duplicates: AtomicUsize::new(0),
            duplicates: Mutex::new(Vec::new()),
            conns: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
            rng: Mutex::new(StdRng::seed_from_u64(0x5eed)),
            observer,
        });
        let accept = {
            let shared = Arc::clone(&shared);
            thread::spawn(move || accept_loop(&listener, &shared))
        };
        Proxy { addr, shared, accept: Some(accept) }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `https://<proxy address>`, to enroll a station through the proxy.
    pub fn https_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Where new connections go (after a hub restart on another port, say).
    pub fn set_upstream(&self, upstream: SocketAddr) {
        *lock(&self.shared.upstream) = upstream;
    }

    pub fn set_latency(&self, latency: Latency) {
        *lock(&self.shared.latency) = latency;
    }

    /// Arms `fault` (replacing one that has not fired).
    pub fn arm(&self, fault: Fault) {
        *lock(&self.shared.armed) = Some(fault);
    }

    /// Disarms; returns the fault if it never fired.
    pub fn disarm(&self) -> Option<Fault> {
        lock(&self.shared.armed).take()
    }

    /// The faults that fired since the last call.
    pub fn take_fired(&self) -> Vec<Fired> {
        std::mem::take(&mut *lock(&self.shared.fired))
    }

    /// Keep the bytes of new traffic (for `exchanges`).
    pub fn capture(&self, on: bool) {
        self.shared.capture.store(on, Ordering::SeqCst);
    }

    /// Send a second copy of every push request to the hub, on a connection of its own.
    pub fn duplicate_pushes(&self, on: bool) {
        self.shared.duplicate_pushes.store(on, Ordering::SeqCst);
    }

    /// Plain HTTP only: answer every push request with `status` and the JSON `body` (as a hub
    /// that refuses it would), without forwarding it; `None` forwards again.
    pub fn refuse_pushes(&self, answer: Option<(u16, &str)>) {
        *lock(&self.shared.refuse_pushes) = answer.map(|(s, b)| (s, b.to_owned()));
    }

    /// How many push requests were answered by `refuse_pushes`.
    pub fn refused(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }

    /// The duplicated pushes since the last call, once the hub has answered every copy.
    pub fn take_duplicates(&self) -> Vec<Duplicate> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.shared.pending_duplicates.load(Ordering::SeqCst) > 0 {
            assert!(Instant::now() < deadline, "duplicated pushes still unanswered after 60 s");
            thread::sleep(Duration::from_millis(5));
        }
        std::mem::take(&mut *lock(&self.shared.duplicates))
    }

    /// Captured requests of every connection, in order, each with its response if one came.
    pub fn exchanges(&self) -> Vec<(Message, Option<Message>)> {
        let mut out = Vec::new();
        for c in self.conns() {
            let requests = http1::parse_all(&lock(&c.captured_up));
            let mut responses = http1::parse_all(&lock(&c.captured_down)).into_iter();
            out.extend(requests.into_iter().map(|req| (req, responses.next())));
        }
        out
    }

    fn conns(&self) -> Vec<Arc<Conn>> {
        lock(&self.shared.conns).clone()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        lock(&self.shared.conns).len()
    }

    /// Bytes delivered up and down, over every connection so far.
    pub fn bytes(&self) -> (u64, u64) {
        self.conns().iter().fold((0, 0), |(u, d), c| {
            (u + c.stats.up.load(Ordering::SeqCst), d + c.stats.down.load(Ordering::SeqCst))
        })
    }

    /// Waits until every connection so far has closed.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.conns().iter().all(|c| c.done.load(Ordering::SeqCst) == 2) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        for c in self.conns() {
            c.cut();
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for client in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(client) = client else { continue };
        let shared = Arc::clone(shared);
        thread::spawn(move || connect(client, &shared));
    }
}

fn connect(client: TcpStream, shared: &Arc<Shared>) {
    let upstream = *lock(&shared.upstream);
    let Ok(server) = TcpStream::connect_timeout(&upstream, Duration::from_secs(10)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (Ok(client2), Ok(server2)) = (client.try_clone(), server.try_clone()) else { return };
    let conn = {
        let mut conns = lock(&shared.conns);
        let conn = Arc::new(Conn {
            stats: ConnStats { id: conns.len(), ..ConnStats::default() },
            read_up: AtomicU64::new(0),
            read_down: AtomicU64::new(0),
            captured_up: Mutex::new(Vec::new()),
            captured_down: Mutex::new(Vec::new()),
            done: AtomicUsize::new(0),
            client: client2,
            server: server2,
        });
        conns.push(Arc::clone(&conn));
        conn
    };
    if let Some(observe) = &shared.observer {
        observe("accepted", &conn.stats);
    }
    let (Ok(c_read), Ok(s_read)) = (client.try_clone(), server.try_clone()) else { return };
    for (dir, from, to) in [(Dir::Up, c_read, server), (Dir::Down, s_read, client)] {
        let (conn, shared) = (Arc::clone(&conn), Arc::clone(shared));
        thread::spawn(move || pump(dir, from, to, &conn, &shared));
    }
}

enum Chunk {
    Data(Instant, Vec<u8>),
    /// The sender closed its side: close ours for writing.
    End,
    /// Cut the whole connection (after the chunks before this one).
    Cut,
}

fn pump(dir: Dir, mut from: TcpStream, to: TcpStream, conn: &Arc<Conn>, shared: &Arc<Shared>) {
    let (tx, rx) = mpsc::channel::<Chunk>();
    let writer = {
        let (conn, shared) = (Arc::clone(conn), Arc::clone(shared));
        thread::spawn(move || deliver(dir, to, &rx, &conn, &shared))
    };
    let mut buf = vec![0u8; 16 * 1024];
    let mut last = Instant::now();
    let mut requests = Vec::new();
    let mut held = Vec::new();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => {
                let _ = tx.send(Chunk::End);
                break;
            }
            Ok(n) => n as u64,
            Err(_) => {
                let _ = tx.send(Chunk::Cut);
                break;
            }
        };
        let (forward, cut) = shared.decide(dir, conn, n);
        let mut data = buf[..usize::try_from(forward).unwrap_or(0)].to_vec();
        let refusal = lock(&shared.refuse_pushes).clone();
        if dir == Dir::Up
            && let Some((status, body)) = refusal
        {
            // Whole requests only: a push is answered here, anything else goes on.
            held.extend_from_slice(&data);
            data.clear();
            while let Some(m) = http1::parse(&held) {
                held.drain(..m.raw.len());
                if m.is_push() {
                    shared.refused.fetch_add(1, Ordering::SeqCst);
                    let answer = format!(
                        "HTTP/1.1 {status} Refused\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = (&conn.client).write_all(answer.as_bytes());
                } else {
                    data.extend_from_slice(&m.raw);
                }
            }
        }
        let (read, captured) = match dir {
            Dir::Up => (&conn.read_up, &conn.captured_up),
            Dir::Down => (&conn.read_down, &conn.captured_down),
        };
        read.fetch_add(forward, Ordering::SeqCst);
        if shared.capture.load(Ordering::SeqCst) {
            lock(captured).extend_from_slice(&data);
        }
        if dir == Dir::Up && shared.duplicate_pushes.load(Ordering::SeqCst) {
            requests.extend_from_slice(&data);
            while let Some(m) = http1::parse(&requests) {
                requests.drain(..m.raw.len());
                if m.is_push() {
                    duplicate(m, shared);
                }
            }
        }
        if !data.is_empty() {
            last = shared.leave_at(last);
            let _ = tx.send(Chunk::Data(last, data));
        }
        if cut {
            let _ = tx.send(Chunk::Cut);
            break;
        }
    }
    drop(tx);
    let _ = writer.join();
}

fn deliver(dir: Dir, mut to: TcpStream, rx: &mpsc::Receiver<Chunk>, conn: &Conn, shared: &Shared) {
    let counter = match dir {
        Dir::Up => &conn.stats.up,
        Dir::Down => &conn.stats.down,
    };
    for chunk in rx {
        match chunk {
            Chunk::Data(at, data) => {
                let now = Instant::now();
                if at > now {
                    thread::sleep(at - now);
                }
                if to.write_all(&data).is_err() {
                    conn.cut();
                    break;
                }
                counter.fetch_add(data.len() as u64, Ordering::SeqCst);
            }
            Chunk::End => {
                let _ = to.shutdown(Shutdown::Write);
                break;
            }
            Chunk::Cut => {
                conn.cut();
                break;
            }
        }
    }
    if conn.done.fetch_add(1, Ordering::SeqCst) == 1
        && let Some(observe) = &shared.observer
    {
        observe("closed", &conn.stats);
    }
}

/// Sends a copy of `request` to the hub on a connection of its own, on another thread.
fn duplicate(request: Message, shared: &Arc<Shared>) {
    shared.pending_duplicates.fetch_add(1, Ordering::SeqCst);
    let shared = Arc::clone(shared);
    thread::spawn(move || {
        let upstream = *lock(&shared.upstream);
        let response = http1::exchange(upstream, &request.raw).map_err(|e| e.to_string());
        lock(&shared.duplicates).push(Duplicate { request, response });
        shared.pending_duplicates.fetch_sub(1, Ordering::SeqCst);
    });
}
