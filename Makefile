# Passerelle: `make run` serves the app, `make test` runs the whole suite. Both set up what they need.
VENV    := .venv
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app webapp
PYBABEL := $(VENV)/bin/pybabel
PORT    ?= 5000
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
CHROMIUM := /usr/bin/chromium

# Install Debian packages as root; as anyone else, say the command instead of failing halfway.
apt = if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
	else echo "Missing Debian packages: run  sudo apt-get install $(1)" >&2; exit 1; fi

.PHONY: run test test-fast lint install translations extract chromium voice nginx wrk bench bench-live profile cluster bench-faults bench-scale

$(VENV)/.run-deps: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-deps: $(VENV)/.run-deps
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.run-deps

# Compiled catalogs are build products (not in git): compile them from the .po files.
translations: $(VENV)/.run-deps
	$(PYBABEL) -q compile -d translations

# Refresh the message catalogs after changing user-visible text.
extract: $(VENV)/.run-deps
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -o translations/messages.pot --no-location --sort-output --no-wrap --ignore-dirs=".* .venv" .
	$(PYBABEL) update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --no-wrap

# My papers' master key for trying the app out: made once beside the database (in production it
# comes from the environment and is kept out of the database's backups: README).
instance/papers_master_key:
	@mkdir -p instance && (umask 077 && python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())' > $@)

run: export PAPERS_MASTER_KEY_FILE = $(CURDIR)/instance/papers_master_key
run: translations voice instance/papers_master_key
	$(FLASK) db upgrade
	$(FLASK) lessons load
	$(FLASK) bank load
	$(FLASK) steps load
	$(FLASK) demo load
	@# Recordings for phones without a voice: minutes the first time, a second later on. Made in
	@# the background; until a text's file exists its speaker records it on first tap.
	@mkdir -p instance && ($(FLASK) audio build > instance/audio-build.log 2>&1 &) && echo "Recording read-aloud in the background: instance/audio-build.log"
	@echo "Passerelle: http://127.0.0.1:$(PORT)"
	@# The server's settings are a deployment's (deploy/gunicorn.conf.py): one worker per core x
	@# 2 threads sharing the connections evenly, connections kept 75 s, a stop (SIGTERM) lets
	@# requests in flight finish for up to 30 s. The workers share their
	@# metrics in instance/metrics (set for the server alone: the flask commands need none);
	@# the config file's hooks empty it at start and remove a dead worker's gauges.
	PROMETHEUS_MULTIPROC_DIR=$(CURDIR)/instance/metrics $(VENV)/bin/gunicorn --config deploy/gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers $(WORKERS) 'webapp:create_app()'

# Debian's Chromium for the browser tests, and a colour emoji font so pictograms show in screenshots.
# Installed only when missing; without root, say which command to run.
chromium:
	@test -x $(CHROMIUM) -a -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf || $(call apt,chromium fonts-noto-color-emoji)

# Read-aloud recordings for phones without a French voice (webapp/core/audio.py): Debian's
# espeak-ng speaks French, English and Arabic, opusenc compresses. (MBROLA voices are not in main.)
voice:
	@(command -v espeak-ng && command -v opusenc) >/dev/null || $(call apt,espeak-ng opus-tools)

# Ruff's lint rules and its formatter (settings in pyproject.toml); CI runs this before the tests.
lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check webapp tests benchmarks deploy
	$(VENV)/bin/ruff format --check webapp tests benchmarks deploy

# The tests without a browser: a minute or two, for the edit-test loop.
test-fast: $(VENV)/.test-deps translations voice nginx
	$(PY) -m pytest -n auto --dist loadfile tests --ignore=tests/browser

# Lint first: CI fails on a lint or format error before running the tests. Two workers or more
# (pytest-xdist), one file per worker at a time: a file's fixtures stay in one process, and each
# worker has its own database (tests/conftest.py).
test: lint translations chromium voice nginx
	$(PY) -m pytest -n auto --dist loadfile --durations=10

# Bytes on the wire, SQL queries and server time for the main pages (figures for the closing note).
bench: $(VENV)/.test-deps translations wrk
	$(PY) benchmarks/pages.py

# Where one page's CPU goes, by function and template (benchmarks/profile_page.py):
#   make profile URL=/budget AS=samir.b
profile: $(VENV)/.test-deps translations
	URL="$${URL:-/}" AS="$${AS:-samir.b}" $(PY) benchmarks/profile_page.py

# Debian's nginx, the reverse proxy in front of two instances in bench-live (installed only when
# missing; the benchmark starts it with a configuration of its own and stops it after).
nginx:
	@(command -v nginx || test -x /usr/sbin/nginx) >/dev/null || $(call apt,nginx-light)

# The load generator of `make bench`'s concurrent figures (C: it takes little of the cores).
wrk:
	@command -v wrk >/dev/null || $(call apt,wrk)

# Live quiz under load: 10 rooms x 50 players, SQLite with one instance, then PostgreSQL with two
# behind nginx, RUNS times each; then the largest room one instance holds (benchmarks/live.py).
bench-live: $(VENV)/.test-deps translations nginx
	RUNS=$${RUNS:-3} $(PY) benchmarks/live.py

# The production set-up on this machine (deploy/): Debian's nginx on CLUSTER_PORT (8000) in front
# of INSTANCES (2) gunicorn instances on PostgreSQL (DATABASE_URL, created if missing) and Redis.
# Foreground: Ctrl-C stops nginx, then each instance gracefully (deploy/cluster.py).
INSTANCES    ?= 2
CLUSTER_PORT ?= 8000
cluster: export PAPERS_MASTER_KEY_FILE = $(CURDIR)/instance/papers_master_key
cluster: $(VENV)/.run-deps translations nginx instance/papers_master_key
	$(PY) deploy/cluster.py run --instances $(INSTANCES) --port $(CLUSTER_PORT)

# Failure drills through the cluster: a live quiz while one instance is killed (kill -9) and
# PostgreSQL restarts, with nginx's retries and without (benchmarks/faults.py). Restarts the
# machine's PostgreSQL: run it where a blip is acceptable.
bench-faults: $(VENV)/.test-deps translations nginx
	$(PY) benchmarks/faults.py

# National scale: the main pages on a 1,000- and a 100,000-trainee PostgreSQL database (made once
# by `flask demo scale`, reused after; --rebuild makes them again), query counts and p50/p95 side
# by side (benchmarks/scale.py). SCALE_DATABASE_URL names the server (postgres@127.0.0.1).
bench-scale: $(VENV)/.test-deps translations
	$(PY) benchmarks/scale.py $(ARGS)
