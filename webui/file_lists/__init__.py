"""The lists of files (applications, loans): their filter form, query arguments, rows,
sorting headers and CSV export, shared by the blueprints that show a list."""
