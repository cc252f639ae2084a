"""An index holds documents sketched under one set of settings; other settings are refused."""

from __future__ import annotations

from typing import Any

from copytrace.errors import SettingsError
from copytrace.index.core import Settings
from copytrace.model import INDEX_DEFAULTS


def differences(stored: Settings, wanted: Settings) -> list[str]:
    """The settings that differ, as 'name=stored' / 'name=wanted' pairs."""
    a, b = stored.to_dict(), wanted.to_dict()
    return [
        k for k in a if k not in ("sketch_format_version", "sketch_fingerprint") and a[k] != b[k]
    ]


def new_index_settings(**given: Any) -> Settings:
    """Settings for a new index: the defaults, the index's own where it differs, `given` over
    them (an unsupported one is then refused by `check_supported`)."""
    return Settings(**{**INDEX_DEFAULTS, **given})


def check_supported(path: str, wanted: Settings) -> None:
    """Raise a SettingsError for a setting the index does not implement, rather than answer
    otherwise than a scan with it would."""
    if wanted.reworded_candidates:
        raise SettingsError(
            f"{path}: the index does not run the reworded-candidate path (sentence sketches) "
            "yet; give it --reworded-candidates false (reworded_candidates=False), or use "
            "copytrace scan, which runs it."
        )


def check_settings(path: str, stored: Settings, wanted: Settings) -> None:
    """Raise a SettingsError naming every difference when `wanted` is not the index's own."""
    names = differences(stored, wanted)
    if not names:
        return
    a, b = stored.to_dict(), wanted.to_dict()
    held = ", ".join(f"{n}={a[n]!r}" for n in names)
    given = ", ".join(f"{n}={b[n]!r}" for n in names)
    raise SettingsError(
        f"{path} holds documents sketched and bucketed with {held} (sketch fingerprint "
        f"{stored.sketch_fingerprint()}); these settings have {given} (sketch fingerprint "
        f"{wanted.sketch_fingerprint()}). Documents indexed under other settings cannot be "
        "compared: leave these settings out to use the index's own, or build a new index."
    )
