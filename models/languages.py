"""The languages the application speaks (webui/translations holds a catalogue for each)."""

LOCALES = ("en", "ja")
