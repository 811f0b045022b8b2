"""The face of Troika: Wagtail pages, the member portal, admin menus and reports."""
