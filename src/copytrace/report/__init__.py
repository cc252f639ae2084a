"""Reports of scan results for people; `write_report` writes one self-contained HTML page."""

from copytrace.report.html import render_report, write_report

__all__ = ["render_report", "write_report"]
