//! A long-running child process (a hub, a proxy) whose standard output and error are read on
//! threads, so that it never blocks on a full pipe and the test can wait for a line. Killed
//! (SIGKILL, by its own pid) and reaped on drop.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// Lines of standard error kept for failure messages.
const STDERR_TAIL: usize = 200;

#[derive(Default)]
struct Output {
    stdout: Vec<String>,
    stderr: Vec<String>,
    /// Both pipes reached their end.
    closed: usize,
}

#[derive(Default)]
struct Shared {
    output: Mutex<Output>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Output> {
        self.output.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub struct Process {
    name: String,
    child: Child,
    shared: Arc<Shared>,
}

impl Process {
    /// Starts `cmd` with piped output. `name` labels failure messages.
    pub fn spawn(name: &str, mut cmd: Command) -> Process {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let shared = Arc::new(Shared::default());
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        read_lines(stdout, Arc::clone(&shared), false);
        read_lines(stderr, Arc::clone(&shared), true);
        Process { name: name.to_owned(), child, shared }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until `found` returns something for the standard output lines printed so far.
    /// Panics, with the process's output, when it exits first or `timeout` passes.
    #[track_caller]
    pub fn wait_stdout<T>(&self, timeout: Duration, found: impl Fn(&[String]) -> Option<T>) -> T {
        let deadline = Instant::now() + timeout;
        let mut out = self.shared.lock();
        loop {
            if let Some(v) = found(&out.stdout) {
                return v;
            }
            let now = Instant::now();
            if out.closed == 2 || now >= deadline {
                let why = if out.closed == 2 { "exited" } else { "timed out" };
                panic!(
                    "{} {why} before printing what the test waits for\nstdout:\n{}\nstderr:\n{}",
                    self.name,
                    out.stdout.join("\n"),
                    out.stderr.join("\n")
                );
            }
            out = self
                .shared
                .changed
                .wait_timeout(out, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// The first standard output line starting with `prefix`, without the prefix.
    #[track_caller]
    pub fn wait_line(&self, prefix: &str, timeout: Duration) -> String {
        self.wait_stdout(timeout, |lines| {
            lines.iter().find_map(|l| l.strip_prefix(prefix).map(|s| s.trim().to_owned()))
        })
    }

    pub fn stdout_lines(&self) -> Vec<String> {
        self.shared.lock().stdout.clone()
    }

    /// The last lines of standard error, for failure messages.
    pub fn stderr_tail(&self) -> String {
        self.shared.lock().stderr.join("\n")
    }

    /// Waits for the process to exit by itself.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                _ => return None,
            }
        }
    }

    /// SIGKILL, then reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

fn read_lines(pipe: impl Read + Send + 'static, shared: Arc<Shared>, is_stderr: bool) {
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            let mut out = shared.lock();
            if is_stderr {
                if out.stderr.len() == STDERR_TAIL {
                    out.stderr.remove(0);
                }
                out.stderr.push(line);
            } else {
                out.stdout.push(line);
            }
            drop(out);
            shared.changed.notify_all();
        }
        shared.lock().closed += 1;
        shared.changed.notify_all();
    });
}
