//! Platform quirks handled before the webview starts.
//!
//! Linux: WebKitGTK's DMA-BUF renderer shows a blank or white window on NVIDIA and some
//! Wayland stacks (tauri#9304, #8462), and costs ~70 MB in the web process. We turn it off with
//! `WEBKIT_DISABLE_DMABUF_RENDERER=1`, but only when the user has not set the variable, so that
//! it can be overridden (and `WEBKIT_DISABLE_COMPOSITING_MODE=1` is the next fallback to try).
//!
//! The workspace forbids `unsafe`, and `std::env::set_var` is unsafe in edition 2024, so the
//! variable is set by re-executing this program with it (same process id, same arguments):
//! the web process inherits it from there.

/// The variable set on Linux when unset.
pub const DMABUF_VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// Call first thing in `main`, before any thread or GTK exists.
pub fn prepare_environment() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(DMABUF_VAR).is_none() {
        use std::os::unix::process::CommandExt;
        if let Ok(exe) = std::env::current_exe() {
            let mut args = std::env::args_os();
            let argv0 = args.next().unwrap_or_else(|| exe.clone().into_os_string());
            // `exec` only returns on failure; then we go on without the variable.
            let err =
                std::process::Command::new(&exe).arg0(argv0).args(args).env(DMABUF_VAR, "1").exec();
            eprintln!("casedesk: could not set {DMABUF_VAR} (re-exec failed: {err})");
        }
    }
}
