// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before anything starts GTK (see platform.rs).
    casedesk_desktop::platform::prepare_environment();
    casedesk_desktop::run();
}
