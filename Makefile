# The two set-up commands: `make run` and `make test`. Both create .venv
# and install the pinned dependencies on first use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lock clean browser

run: $(STAMP)
	$(BIN)/bluecarbon demo

test: $(STAMP)
	$(BIN)/python -m pytest

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

# Install Debian's chromium and chromedriver for the browser tests in
# tests/test_web_page.py (they skip without them), and a Chinese font for
# their failure screenshots. Needs root and apt; does nothing when both
# programs are already installed.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then \
		echo "chromium and chromedriver are installed"; \
	else \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium chromium-driver fonts-wqy-zenhei >/dev/null; \
	fi

# Regenerate the lock file from the current environment after changing
# dependencies in pyproject.toml.
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) data
