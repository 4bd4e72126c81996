"""Adviezen: kort advies, uitgebreid advies (anonymous or through a casus) and informatieknooppunt contacts."""
