"""Work around a reference-count bug of PySide6 6.12 on CPython 3.11.

Measured here (PySide6 6.12.0, CPython 3.11.7): every call of a C++ method that returns
``void`` - ``QPainter.drawLine``, ``setPen``, ``QFont.setBold``, ``QWidget.update``... - returns
``None`` without taking a reference to it, so ``sys.getrefcount(None)`` drops by one per call.
That is harmless from Python 3.12 on (``None`` is immortal, PEP 683), but on 3.11 the count
reaches zero after a few thousand calls and the interpreter aborts with
"none_dealloc: deallocating None".  A panel that paints at 40 Hz gets there in seconds.

The fix is to make ``None`` practically immortal, as 3.12 does: add 2**40 to its reference
count once.  ``None`` is a static object that is never freed, so the extra count costs
nothing.  This belongs in the app's start-up (and goes away with Python >= 3.12 or a fixed
PySide6); it is idempotent, so calling it from several places is harmless.
"""

from __future__ import annotations

import ctypes
import sys

_BOOST = 1 << 40


def pin_none_if_needed() -> bool:
    """Raise ``None``'s reference count on CPython < 3.12; return True if it did."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    refcnt = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is PyObject's first field
    if refcnt.value >= _BOOST // 2:
        return False  # done already (by us or by someone else)
    refcnt.value += _BOOST
    return True
