"""Grounding: does the source state this, and where? The one answer the pipeline and scorers share."""

from app.grounding._service import Grounder, Grounding, line_grounds, same_source_line

__all__ = ["Grounder", "Grounding", "line_grounds", "same_source_line"]
