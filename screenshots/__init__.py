"""`make screenshots`: the key pages of each demo role at 1280 and 390 px, in docs/screenshots/.

Not part of the application: it seeds the living demo into a throw-away SQLite database,
serves the app on a free loopback port and photographs it with Debian's Chromium.
"""
