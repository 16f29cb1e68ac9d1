"""What every area may use and which imports no area: audit, tokens, links, Markdown, files and
PDFs, CSV, custom questions, column types, bounds, time zones, iCalendar pieces, periodic jobs."""
