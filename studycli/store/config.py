"""The learner's settings: `config.toml` in the state directory (optional).

```toml
[review]
new_per_day = 20       # new cards introduced per day
reviews_per_day = 200  # reviews of already-seen cards per day (step-7 repeats not counted)
```

Public API: `load_config() -> dict` (the whole file, {} if absent), `review_limits() -> ReviewLimits`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from studycli import paths
from studycli.errors import StudyError

CONFIG_NAME = "config.toml"
DEFAULT_NEW_PER_DAY = 20
DEFAULT_REVIEWS_PER_DAY = 200


@dataclass(frozen=True)
class ReviewLimits:
    new_per_day: int = DEFAULT_NEW_PER_DAY
    reviews_per_day: int = DEFAULT_REVIEWS_PER_DAY


def load_config() -> dict:
    path = paths.state_dir() / CONFIG_NAME
    if not path.exists():
        return {}
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise StudyError(f"{path}: {err}", hint="fix the file or remove it to use the defaults") from None


def review_limits() -> ReviewLimits:
    section = load_config().get("review", {})
    path = paths.state_dir() / CONFIG_NAME
    values = {}
    for key, default in (("new_per_day", DEFAULT_NEW_PER_DAY), ("reviews_per_day", DEFAULT_REVIEWS_PER_DAY)):
        value = section.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise StudyError(f"{path}: [review] {key} must be a whole number >= 0, not {value!r}")
        values[key] = value
    return ReviewLimits(**values)
