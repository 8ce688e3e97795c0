"""Presentation shared by the command line and the website: browse views, facets, renderers, reports,
exports, translations."""
