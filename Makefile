# Stampwatch: `make run` opens the demo, `make test` runs every test. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

DEBIAN_PACKAGES := libncursesw5-dev libsqlite3-dev libcurl4-openssl-dev libssl-dev zlib1g-dev pkg-config openssl \
                   tmux faketime time util-linux python3 python3-venv python3-pip
VENV := .venv
SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=

.PHONY: help deps build release run demo test bench completions clean

help:
	@echo "make run     open the console on the bundled demo cache (offline)"
	@echo "make demo    mint codes with throw-away keys and verify them on the command line"
	@echo "make test    install what is missing, build, run every test"
	@echo "make bench   release build and the benchmarks (figures as ratios to their baselines)"
	@echo "make deps    install missing Debian packages and the Python test venv"
	@echo "make build   debug build;  make release: optimised build"

# Idempotent: apt-get runs only when a package is missing; the venv is rebuilt only when requirements change.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@$(MAKE) --no-print-directory $(VENV)/.stamp

$(VENV)/.stamp: Tests/interop/requirements.txt Tests/tuf/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r Tests/interop/requirements.txt -r Tests/tuf/requirements.txt
	@touch $@

build: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(SWIFT_BUILD_FLAGS)

run: build
	@scripts/run-console.sh

demo: build
	@scripts/demo.sh

test: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)
	STAMPWATCH_REQUIRE_INTEROP=1 $(SWIFT) test $(SWIFT_BUILD_FLAGS)
	$(VENV)/bin/python -m pytest -q Tests/interop

# Only what is measured is built optimised; the hub (setup only) runs from the debug build.
bench: build
	$(SWIFT) build -c release --product stampwatch $(SWIFT_BUILD_FLAGS)
	$(SWIFT) build -c release --product fieldstore-crash-helper $(SWIFT_BUILD_FLAGS)
	@scripts/bench.sh
	@scripts/bench-cache.sh
	@scripts/bench-sync.sh
	@scripts/bench-console.sh
	@scripts/bench-provenance.sh

completions: build
	@mkdir -p .build/completions
	@for s in bash zsh fish; do \
	  .build/debug/stampwatch --generate-completion-script $$s > .build/completions/stampwatch.$$s; \
	  .build/debug/stampwatch-hub --generate-completion-script $$s > .build/completions/stampwatch-hub.$$s; \
	done; echo "completion scripts in .build/completions/"

clean:
	rm -rf .build
