//! Demonstration data (written next).
