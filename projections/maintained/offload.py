"""A follower's fold in a second process, so a big append (or a rebuild) uses two cores.

The fold behind the checkpoints (`projections.maintained.follow`) needs nothing from the database
once it has started: the events come in order from the append. So once a follower has folded the
ledger's tail, its fold is handed, as a value (`Handoff`: the state encoded as a checkpoint's),
to a child process; from then on the append sends each new event as it is stored (seq, stamp,
id, payload: strings) in blocks, and the child parses and folds them and takes the checkpoints.
At the end it sends back the checkpoints taken, which the append writes in its own transaction.
They are the bytes the follower would have taken here: the child reads each event back from its
stored payload exactly as a build after the append would.

The child is a fresh interpreter running this module (`python -m
owl.projections.maintained.offload`), talking pickles over its standard input and output: it imports
only the fold, touches no database, does not re-run the caller's script (as `multiprocessing`'s
spawn would in a notebook or a script without a main guard), and shares no memory with the appending
process (a fork would copy the pages each side touches). It ends when its input closes (the append
finished, failed or was killed). Anything that goes wrong with it (it cannot start, dies, or fails)
only costs the speed: the follower counts as given up, and the build after the append takes the
checkpoints.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import subprocess
import sys
from typing import IO, Any

from owl.ledger.content import parse_row
from owl.ledger.log import Recorded
from owl.ledger.store import Writer
from owl.projections.maintained import tables
from owl.projections.maintained.follow import Follower, Taken
from owl.projections.maintained.heap import bulk

BLOCK = 2_000  # events sent to the child at once
# The installed package's module: no PYTHONPATH, no path of this checkout (docs/python.md).
COMMAND = [sys.executable, "-m", "owl.projections.maintained.offload"]
_log = logging.getLogger("owl.offload")
Item = tuple[int, str, str, str]  # seq, recorded_at, event id, payload


class Remote:
    """A follower whose fold goes on in a child process."""

    def __init__(self, local: Follower, process: subprocess.Popen[bytes]) -> None:
        self.issuer = local.issuer
        self.builder = local.builder  # keeps the checkpoints taken before the handoff
        self.process = process
        self.block: list[Item] = []
        self.alive = True
        self.answered = False

    @classmethod
    def start(cls, local: Follower) -> Remote | None:
        """Hand `local`'s fold to a new child process; None when there cannot be one."""
        try:
            process = subprocess.Popen(
                COMMAND,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            _log.debug("the fold stays in this process: %s", exc)
            return None
        remote = cls(local, process)
        remote._write(local.handoff())
        if not remote.alive:
            remote.close()
            return None
        return remote

    def add(self, record: Recorded, payload: str) -> None:
        if not self.alive:
            return
        self.block.append((record.seq, record.recorded_at, record.event_id, payload))
        if len(self.block) >= BLOCK:
            self._write(self.block)
            self.block = []

    def _write(self, message: object) -> None:
        pipe = self.process.stdin
        assert pipe is not None
        try:
            pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            pipe.flush()
        except OSError as exc:  # the child is gone
            self._lost(exc)

    def finish(self, writer: Writer) -> int | None:
        """The checkpoints the child took, written here; None when it gave up or failed."""
        if self.alive and self.block:
            self._write(self.block)
            self.block = []
        if not self.alive:
            return None
        self._write(None)
        if not self.alive:
            return None
        assert self.process.stdout is not None
        try:
            answer = pickle.load(self.process.stdout)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            self._lost(exc)
            return None
        self.answered = True
        if answer[0] != "taken":
            self._lost(answer[1])
            return None
        self.builder.taken += answer[1]  # after those taken here before the handoff
        if not self.builder.current(writer):
            return None
        return self.builder.write(writer, tables.known_seq(writer, self.issuer, None), None)

    def close(self) -> None:
        """End the child: it has answered and is leaving, or its work is no longer wanted."""
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        if not self.answered:
            self.process.kill()
        self.process.wait()

    def _lost(self, why: object) -> None:
        # Not a warning: the answer is the same, only later (a build takes the checkpoints).
        _log.debug("the checkpoint fold for %s stopped (%s)", self.issuer, why)
        self.alive = False


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The child: resume the fold, fold each block, answer the checkpoints taken."""
    answer: tuple[str, Any]
    try:
        follower = Follower.resumed(pickle.load(source))
        while (block := pickle.load(source)) is not None:
            for seq, stamp, event_id, payload in block:
                follower.add(Recorded(seq, stamp, "", "", parse_row(seq, event_id, payload)))
        answer = ("gave up", "a void, or a date already folded")
        if follower.alive:
            taken: list[Taken] = follower.taken()
            answer = ("taken", taken)
    except EOFError:
        return  # the append is gone
    except Exception as exc:  # reported to the parent, which leaves the work to a build
        answer = ("failed", f"{type(exc).__name__}: {exc}")
    with contextlib.suppress(OSError):  # the parent is gone
        pickle.dump(answer, sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


def main() -> None:
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # nothing else may write into the answer's pipe
    with bulk():
        serve(sys.stdin.buffer, sink)


if __name__ == "__main__":
    main()
