# CaseDesk: the two commands a fresh Debian/Ubuntu machine needs.
#   make run   installs what is missing, builds, and starts CaseDesk
#   make test  installs what is missing and runs every test
SHELL := /bin/bash
CARGO ?= cargo
DB ?= $(HOME)/.local/share/casedesk/station.db

.PHONY: run test deps test-rust fmt-check bench help

help:
	@echo "make run    - install what is missing, build and start CaseDesk"
	@echo "make test   - install what is missing and run all tests"
	@echo "make bench  - run the benchmarks (prints figures beside baselines)"

# System packages: only what the Rust build needs today (C compiler, pkg-config, sqlite3 for
# inspecting databases). Installs with apt-get when something is missing and we are root or
# have sudo.
deps:
	@bash scripts/deps.sh

run: deps
	$(CARGO) build --release -p casedesk-cli
	@mkdir -p "$(dir $(DB))"
	@if [ ! -f "$(DB)" ]; then \
		./target/release/casedesk --db "$(DB)" init --unit HX0201 --unit-name 德令哈市消费者投诉联络站 --admin-code 632802 && \
		./target/release/casedesk --db "$(DB)" demo --cases 2000; \
	fi
	./target/release/casedesk --db "$(DB)" case list --sort deadline --limit 20
	@echo
	@echo "Station database: $(DB)   (try: ./target/release/casedesk --db $(DB) search 手机)"

test: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace

bench: deps
	$(CARGO) build --release -p casedesk-cli
	./target/release/casedesk bench --cases 100000
