"""The destruction journal's files: the append-only journal and, beside it, the latest signed checkpoint.

Files only (no database): `<pad>` holds one line per destruction (the lines are made and checked by
`service.domain.vernietigingsjournaal`), `<pad>.checkpoint` the latest signed checkpoint of the log as JSON.

Invariants:
- An append takes an exclusive `flock` on the journal, so writers in several processes on one host never
  interleave; the line and its newline are written in one `write` and `fsync`ed before `voeg_toe` returns, and a
  newly created file's directory is `fsync`ed too.
- A crash during a write can leave an incomplete last line (no newline). The next append cuts it off before
  writing (that destruction is written again from the log by the catch-up, `herstel.journaal.bij`); a reader
  ignores it and says so (`afgebroken`). A complete line is never changed or removed.
- The checkpoint file is only ever replaced by a larger checkpoint (or on purpose by a restore, `vervang`), as a
  whole: written beside it, `fsync`ed, renamed over it, the directory `fsync`ed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

_STAART = 1 << 16  # the last line is looked for in at most this many bytes from the end


class JournaalBestand:
    """The journal file at `pad` and its checkpoint file."""

    def __init__(self, pad: Path) -> None:
        self.pad = pad
        self.checkpoint_pad = pad.with_name(pad.name + ".checkpoint")

    @contextlib.contextmanager
    def _vergrendeld(self) -> Iterator[int]:
        nieuw = not self.pad.exists()
        fd = os.open(self.pad, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if nieuw:
                fsync_map(self.pad.parent)
            yield fd
        finally:
            os.close(fd)  # closing releases the lock

    def voeg_toe(self, maak: Callable[[bytes | None], bytes]) -> None:
        """Append the line `maak(last complete line)` returns (None: the file is empty), under the lock, durably.

        Raises:
            OSError: the file could not be written or synced (nothing half-written remains at a complete line).
        """
        with self._vergrendeld() as fd:
            laatste = _laatste_regel(fd)
            os.write(fd, maak(laatste) + b"\n")
            os.fsync(fd)

    def lees(self) -> tuple[list[bytes], bool]:
        """Every complete line (without newlines) and whether an incomplete last line was ignored; no file: none.

        Raises:
            OSError: the file exists but cannot be read.
        """
        try:
            data = self.pad.read_bytes()
        except FileNotFoundError:
            return [], False
        regels = data.split(b"\n")
        afgebroken = regels[-1] != b""
        return regels[:-1], afgebroken

    def lees_checkpoint(self) -> dict[str, object] | None:
        """The checkpoint file's JSON object, or None when there is none (or it is unreadable: reported as none,
        the caller verifies the signed note anyway)."""
        try:
            data = json.loads(self.checkpoint_pad.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def bewaar_checkpoint(self, checkpoint: dict[str, object], *, vervang: bool = False) -> bool:
        """Replace the checkpoint file with `checkpoint` (holding an int `grootte`) when it is larger than the
        one there, or always with `vervang`; returns whether it was written.

        Raises:
            OSError: the file could not be written.
        """
        with self._vergrendeld():
            huidig = self.lees_checkpoint()
            grootte = huidig.get("grootte") if huidig is not None else None
            if not vervang and isinstance(grootte, int) and grootte >= int(str(checkpoint["grootte"])):
                return False
            tijdelijk = self.checkpoint_pad.with_name(self.checkpoint_pad.name + ".nieuw")
            with open(tijdelijk, "w", encoding="utf-8") as bestand:
                json.dump(checkpoint, bestand, sort_keys=True)
                bestand.flush()
                os.fsync(bestand.fileno())
            os.replace(tijdelijk, self.checkpoint_pad)
            fsync_map(self.checkpoint_pad.parent)
            return True

    def bewaar_kopie_checkpoint(self, achtervoegsel: str) -> Path | None:
        """Keep a copy of the checkpoint file as `<checkpoint>.<achtervoegsel>` (a restore does this before it
        replaces the file with the restored log's); returns its path, None when there is no checkpoint file."""
        if not self.checkpoint_pad.exists():
            return None
        kopie = self.checkpoint_pad.with_name(f"{self.checkpoint_pad.name}.{achtervoegsel}")
        kopie.write_bytes(self.checkpoint_pad.read_bytes())
        return kopie


def _laatste_regel(fd: int) -> bytes | None:
    """The last complete line of the file open at `fd` (cutting off an incomplete one after it), or None."""
    grootte = os.fstat(fd).st_size
    if grootte == 0:
        return None
    begin = max(0, grootte - _STAART)
    staart = os.pread(fd, grootte - begin, begin)
    einde = staart.rfind(b"\n")
    if einde < 0:
        if begin == 0:  # one incomplete line and nothing before it
            os.ftruncate(fd, 0)
            return None
        raise OSError("the journal's last line is longer than any line Deelpoort writes: the file is damaged")
    if einde != len(staart) - 1:  # an incomplete line after the last newline: a write that crashed
        os.ftruncate(fd, begin + einde + 1)
    vorige = staart.rfind(b"\n", 0, einde)
    if vorige < 0 and begin > 0:
        raise OSError("the journal's last line is longer than any line Deelpoort writes: the file is damaged")
    return staart[vorige + 1 : einde]


def fsync_map(map_: Path) -> None:
    """Make a directory's entries durable (a file created or renamed in it)."""
    fd = os.open(map_, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
