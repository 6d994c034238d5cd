"""The plain forms of ``tracker [--config FILE] run [flags] [--config FILE]``, parsed as click parses them, from the
options in :mod:`tracker.launch.spec` (generated from the click commands). Anything else is ``None``: click parses
it (and says what is wrong with it).

>>> parse_run(["--config", "a.toml", "run", "-q", "--no-fetch"], {})
('a.toml', {'quiet': True, 'dry_run': False, 'no_fetch': True, 'report_latest': False})
>>> parse_run(["run", "--config=b.toml"], {"TRACKER_CONFIG": "a.toml"})[0]
'b.toml'
>>> [parse_run(argv, {}) for argv in (["run", "-qv"], ["run", "x"], ["diff"], ["run", "--config"], [])]
[None, None, None, None, None]
"""

from __future__ import annotations

import os
import stat

from tracker.launch import spec

TYPE_CHECKING = False  # not typing's: a start-up without it (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

#: What the launcher calls the job with: the settings file named (None: load_config's default) and the flags.
Call = tuple["str | None", "dict[str, bool]"]


def _options(tokens: Sequence[str], flags: Mapping[str, str], files: Mapping[str, str]
             ) -> tuple[dict[str, object], int] | None:
    """The options at the start of ``tokens`` (a later one wins) and the index of the first word after them; None
    for an option not in ``flags`` or ``files``, a flag given a value, or a file option followed by no value or by
    what could be an option (click would take it as the value: the launcher leaves such forms to click)."""
    params: dict[str, object] = {}
    i = 0
    while i < len(tokens) and tokens[i].startswith("-"):
        name, eq, value = tokens[i].partition("=") if tokens[i].startswith("--") else (tokens[i], "", "")
        if name in flags and not eq:
            params[flags[name]] = True
        elif name in files and not eq:
            if i + 1 == len(tokens) or tokens[i + 1].startswith("-"):
                return None
            i += 1
            params[files[name]] = tokens[i]
        elif name in files:
            params[files[name]] = value
        else:
            return None
        i += 1
    return params, i


def _plain_file(value: object) -> bool:
    """What click's ``Path(dir_okay=False)`` accepts as it is: a path that does not exist, or a readable one that
    is not a folder."""
    try:
        mode = os.stat(str(value)).st_mode
    except OSError:
        return True
    return not stat.S_ISDIR(mode) and os.access(str(value), os.R_OK)


def parse_run(argv: Sequence[str], environ: Mapping[str, str]) -> Call | None:
    """The settings file and flags of a plain ``tracker … run …`` (``environ`` for the root option's variables), or
    None for anything the launcher leaves to click."""
    root = _options(argv, {}, spec.ROOT_FILES)
    if root is None or root[1] == len(argv) or argv[root[1]] != spec.RUN:
        return None
    params, start = root
    for name, variable in spec.ROOT_ENVVARS.items():
        if name not in params and environ.get(variable):
            params[name] = environ[variable]
    after = _options(argv[start + 1:], spec.RUN_FLAGS, spec.RUN_FILES)
    if after is None or start + 1 + after[1] != len(argv):
        return None
    files = [v for v in (params.get("config_file"), after[0].get("config_file")) if v is not None]
    if not all(_plain_file(v) for v in files):
        return None
    flags = {name: bool(after[0].get(name, False)) for name in dict.fromkeys(spec.RUN_FLAGS.values())}
    return (str(files[-1]) if files else None), flags
