"""The landing page: the transverse Data Science offer."""
