"""Views of the agent console: each parses a form, calls one service or selector, renders."""
