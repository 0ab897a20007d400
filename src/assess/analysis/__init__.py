"""Analysis: uncertainty and sensitivity of the grades, indicator importance, year over year.

The public names are listed in ``__init__.pyi`` and imported on first use (lazy_loader); the
modules that define them are private."""

from assess.common import public_face

__getattr__, __dir__, __all__ = public_face(__name__, __file__)
