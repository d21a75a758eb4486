# CaseDesk: the two commands a fresh Debian/Ubuntu machine needs.
#   make run   installs what is missing, builds the UI and the desktop app, and starts it
#   make test  installs what is missing and runs every test (what CI runs)
SHELL := /bin/bash
CARGO ?= cargo
# No incremental cache: `make test` builds once from clean, and the cache roughly doubles target/.
export CARGO_INCREMENTAL ?= 0

.PHONY: run test test-slow test-deb chaos deb bench bench-hub help ui

help:
	@echo "make run    - install what is missing, build and start the CaseDesk desktop app"
	@echo "make test   - install what is missing and run all tests"
	@echo "make test-slow - the long versions of the crash, fault and chaos tests (CDK_SLOW=1)"
	@echo "make chaos  - the long sync chaos run alone, with its figures (CDK_SEED=n replays)"
	@echo "make deb    - build the .deb package (target/release/bundle/deb/)"
	@echo "make test-deb - install the .deb in a fresh Debian root, start it, screenshot, remove it"
	@echo "make bench  - run the store benchmarks (prints figures beside baselines)"

ui:
	cd ui && npm ci --no-audit --no-fund && npm run build

run:
	bash scripts/deps.sh app
	$(MAKE) ui
	$(CARGO) build --release -p casedesk-desktop --features tauri/custom-protocol
	./target/release/casedesk-desktop

test:
	bash scripts/deps.sh test
	$(CARGO) fmt --all -- --check
	# Default members: everything but the desktop shell, which needs ui/dist.
	$(CARGO) clippy --all-targets -- -D warnings
	# Every Rust test beside a throwaway PostgreSQL server (the hub's conformance suite runs on
	# SQLite and on PostgreSQL), then the end-to-end sync test with the hub on PostgreSQL.
	bash scripts/with-pg.sh bash -c '$(CARGO) test && CDK_HUB_DB=postgres $(CARGO) test -p casedesk-tests --test it -- sync_e2e'
	$(MAKE) ui
	cd ui && npm run lint && npm run format:check && npm test && npm run test:e2e
	# The hub's console in Chromium against a real hub with stations that enrolled and pushed.
	CDK_BIN_DIR=$(CURDIR)/target/debug bash scripts/console-e2e.sh
	# The desktop shell with the UI embedded (same features as the WebDriver test's build, so
	# the build is shared), then the real window under Xvfb driven by WebDriver.
	$(CARGO) clippy -p casedesk-desktop --features tauri/custom-protocol --all-targets -- -D warnings
	$(CARGO) test -p casedesk-desktop --features tauri/custom-protocol
	bash scripts/desktop-e2e.sh

# The slow tests at full length: more kill -9 rounds, more random cuts (not part of CI).
test-slow:
	bash scripts/deps.sh test
	CDK_SLOW=1 $(CARGO) test -p casedesk-tests -- --nocapture

# The long sync chaos run (kills, failpoints, cuts, 2G links, a partition) and its figures.
chaos:
	bash scripts/deps.sh test
	bash scripts/chaos.sh

# The package ships a stripped binary (release builds keep their debug info for profiling).
deb:
	bash scripts/deps.sh app
	$(MAKE) ui
	CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_STRIP=symbols \
	  npx --yes @tauri-apps/cli@2 build --bundles deb

# Installs the .deb into a fresh Debian root (debootstrap), starts it under Xvfb, takes a
# screenshot and removes it again (about 10 minutes; not part of make test).
test-deb: deb
	bash scripts/deb-test.sh

bench:
	bash scripts/deps.sh app
	$(CARGO) build --release -p casedesk-cli
	./target/release/casedesk bench --cases 100000

# The hub's store benchmarks (not part of `make test`): SQLite and PostgreSQL (a durable
# throwaway server) in one run. BULK=10000000 for the 10-million-event figures.
BULK ?= 1000000
bench-hub:
	bash scripts/deps.sh test
	$(CARGO) build --release -p casedesk-hub
	rm -f target/bench-hub.db*
	./target/release/casedesk-hub bench --db target/bench-hub.db --bulk $(BULK) --pulls 1000
	rm -f target/bench-hub.db*
	CDK_PG_DURABLE=1 bash scripts/with-pg.sh bash -c './target/release/casedesk-hub bench --db "$$CDK_PG_URL" --bulk $(BULK) --pulls 1000'
