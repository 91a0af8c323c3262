# Two commands for a newcomer: `make run` and `make test`. Everything else is set up by them.
VENV        ?= .venv
PYTHON      ?= python3
BIN         := $(VENV)/bin
FLASK       := $(BIN)/flask
INSTALLED   := $(VENV)/.installed-dev
HOST        ?= 127.0.0.1
PORT        ?= 5000

.PHONY: run serve test lint install clean-db bench load screenshots translations catalogues bootstrap-css

$(INSTALLED): pyproject.toml
	@# The workflow diagrams are drawn by Graphviz's dot (Debian's graphviz package).
	@command -v dot >/dev/null 2>&1 || apt-get install -y -qq graphviz >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; }
	@# Japanese text in PDFs, diagrams and screenshots needs a CJK font (Debian's fonts-noto-cjk).
	@test -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc || \
		apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(INSTALLED)

# The message catalogues: webui/translations/<lang>/LC_MESSAGES/messages.po is committed, its
# compiled .mo is built here (from run, serve and test) whenever the .po is newer.
TRANSLATIONS := webui/translations
CATALOGUES   := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))
%.mo: %.po | $(INSTALLED)
	$(BIN)/pybabel compile --statistics -i $< -o $@

catalogues: $(CATALOGUES)

## make translations: gather every marked string into the catalogues (then translate the new ones)
translations: $(INSTALLED)
	$(BIN)/pybabel extract -F pyproject.toml --no-location --sort-output \
		--project wnf-workflow -o $(TRANSLATIONS)/messages.pot webui workflow models demo
	@# update has no --no-location or --sort-output: it keeps the template's order, without locations
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching \
		--ignore-obsolete --ignore-pot-creation-date
	rm $(TRANSLATIONS)/messages.pot

## make run: set up, migrate, seed the demo data on an empty database, serve on SQLite
run: $(INSTALLED) $(CATALOGUES)
	$(FLASK) db upgrade
	$(FLASK) demo seed-if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

## make serve: production serving with gunicorn (gunicorn.conf.py) on DATABASE_URL
serve: $(INSTALLED) $(CATALOGUES)
	@test -n "$(DATABASE_URL)" || (echo "Set DATABASE_URL (postgresql+psycopg://…); see docs/deploy.md" && exit 1)
	DATABASE_URL=$(DATABASE_URL) $(FLASK) db upgrade
	DATABASE_URL=$(DATABASE_URL) $(BIN)/gunicorn -c gunicorn.conf.py

## make test: the whole suite on SQLite, then on PostgreSQL (required when REQUIRE_POSTGRES=1)
## (the browser tests run in Debian's chromium-headless-shell, installed here when missing; without
## it or chromium they are skipped, unless REQUIRE_BROWSER=1 as in CI, which makes them fail)
test: $(INSTALLED) $(CATALOGUES)
	@test -x /usr/lib/chromium/chromium-headless-shell || \
		apt-get install -y -qq chromium chromium-headless-shell >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium chromium-headless-shell >/dev/null 2>&1; } || \
		echo "Debian's chromium-headless-shell could not be installed: the browser tests are skipped"
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m tests.run_suites $(PYTEST_ARGS)

## make bench [DATABASE_URL=postgresql+psycopg://…]: benchmarks, see bench/results.json
## (the requests-per-second figures need wrk: installed here with apt-get when missing)
bench: $(INSTALLED)
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk >/dev/null 2>&1 || \
		{ apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1; } || \
		echo "wrk is not installed and could not be: the requests-per-second figures are skipped"
	$(BIN)/python -m bench $(if $(DATABASE_URL),--database-url $(DATABASE_URL))
	$(if $(LOAD),$(MAKE) load)

## make load [LOAD_FILES=5000] [LOAD_SECONDS=60]: a working day of 32 users on gunicorn ×4 and
## the local PostgreSQL at 100,000 files, next to bare Flask; see bench/results_load.json
## (`make bench LOAD=1` runs it after the other benchmarks; docs/performance.md)
LOAD_FILES   ?= 100000
LOAD_SECONDS ?= 180
load: $(INSTALLED) $(CATALOGUES)
	$(BIN)/python -m bench.load_day --files $(LOAD_FILES) --seconds $(LOAD_SECONDS)

## make screenshots: each demo role's key pages at 1280 and 390 px → docs/screenshots/
## (Debian's chromium, installed here when missing, photographs a fresh demo in a temp dir;
## fonts-noto-cjk with it, so that Japanese pages show their text rather than empty boxes)
screenshots: $(INSTALLED)
	@command -v chromium >/dev/null 2>&1 || apt-get install -y -qq chromium >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -d /usr/share/fonts/opentype/noto || apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; }
	$(BIN)/python -m screenshots

## make bootstrap-css: Bootstrap's CSS trimmed to the classes the templates, scripts and forms
## name (npm's PurgeCSS, webui/assets/purgecss.config.mjs); run it after writing a Bootstrap
## class that nothing used before, and commit webui/static/vendor/bootstrap/bootstrap.min.css
## (tests/webui/test_static_files.py fails while a class is missing from it)
bootstrap-css:
	npx --yes purgecss@7 --config ./webui/assets/purgecss.config.mjs

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean-db:  # the audit chain's anchors go with the database they anchor
	rm -f instance/wnf.db instance/wnf.db-wal instance/wnf.db-shm
	rm -rf instance/audit-anchors
