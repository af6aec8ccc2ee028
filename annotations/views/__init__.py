"""Page views, one module per screen. Each view: access check, form, domain call,
redirect or page."""
