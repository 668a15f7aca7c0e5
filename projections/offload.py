"""A follower's fold in a second process, so a big append (or a rebuild) uses two cores.

The fold behind the checkpoints (`projections.follow`) needs nothing from the database once it
has started: the events come in order from the append. So once a follower has folded the
ledger's tail, its fold is handed, as a value (`Handoff`: the state encoded as a checkpoint's),
to a child process; from then on the append sends each new event as it is stored (seq, stamp,
id, payload: strings, a few bytes of pickle) in blocks, and the child parses and folds them and
takes the checkpoints. At the end it sends back the checkpoints taken, which the append writes
in its own transaction. Those are the bytes the follower would have taken here: the child reads
each event back from its stored payload exactly as a build after the append would.

The child is a fork of the appending process (Linux; elsewhere the fold stays here). It touches
no database connection, ends when its pipe closes (the append finished, failed or was killed),
and is a daemon. Anything that goes wrong with it (it cannot start, dies, or fails) only costs
the speed: the follower counts as given up, and the build after the append takes the
checkpoints as it would without a follower.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import sys
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from ledger.content import parse_row
from ledger.log import Recorded
from ledger.store import Writer
from projections.follow import Follower, Taken

BLOCK = 2_000  # events sent to the child at once
_log = logging.getLogger("owl.offload")
Item = tuple[int, str, str, str]  # seq, recorded_at, event id, payload


class Remote:
    """A follower whose fold goes on in a child process."""

    def __init__(self, local: Follower, conn: Connection, process: BaseProcess) -> None:
        self.issuer = local.issuer
        self.builder = local.builder  # keeps the checkpoints taken before the handoff
        self.conn, self.process = conn, process
        self.block: list[Item] = []
        self.alive = True
        self.answered = False

    @classmethod
    def start(cls, local: Follower) -> Remote | None:
        """Hand `local`'s fold to a new child process; None when there cannot be one."""
        if not sys.platform.startswith("linux"):
            return None
        try:
            context = multiprocessing.get_context("fork")
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs, ours), daemon=True)
            process.start()
            theirs.close()
            ours.send(local.handoff())
        except (OSError, ValueError) as exc:
            _log.debug("the fold stays in this process: %s", exc)
            return None
        return cls(local, ours, process)

    def add(self, record: Recorded, payload: str) -> None:
        if not self.alive:
            return
        self.block.append((record.seq, record.recorded_at, record.event_id, payload))
        if len(self.block) >= BLOCK:
            self._send()

    def _send(self) -> None:
        try:
            self.conn.send(self.block)
        except OSError as exc:  # the child is gone
            self._lost(exc)
        self.block = []

    def finish(self, writer: Writer) -> int | None:
        """The checkpoints the child took, written here; None when it gave up or failed."""
        if self.block:
            self._send()
        if not self.alive:
            return None
        try:
            self.conn.send(None)
            answer = self.conn.recv()
        except (OSError, EOFError) as exc:
            self._lost(exc)
            return None
        self.answered = True
        if answer[0] != "taken":
            self._lost(answer[1])
            return None
        self.builder.taken += answer[1]  # after those taken here before the handoff
        return self.builder.write(writer, writer.known_seq(self.issuer, None), None)

    def close(self) -> None:
        """End the child: it has answered and is leaving, or its work is no longer wanted."""
        self.conn.close()
        if not self.answered:
            self.process.kill()
        self.process.join()

    def _lost(self, why: object) -> None:
        # Not a warning: the answer is the same, only later (a build takes the checkpoints).
        _log.debug("the checkpoint fold for %s stopped (%s)", self.issuer, why)
        self.alive = False


def _serve(conn: Connection, parents: Connection) -> None:
    """The child: resume the fold, fold each block, answer the checkpoints taken."""
    parents.close()  # our copy of the parent's end: the pipe ends when the parent's closes
    try:
        follower = Follower.resumed(conn.recv())
        while (block := conn.recv()) is not None:
            for seq, stamp, event_id, payload in block:
                follower.add(Recorded(seq, stamp, "", "", parse_row(seq, event_id, payload)))
        answer: tuple[str, list[Taken] | str] = ("gave up", "a void, or a date already folded")
        if follower.alive:
            answer = ("taken", follower.taken())
    except EOFError:
        return  # the append is gone
    except Exception as exc:  # reported to the parent, which leaves the work to a build
        answer = ("failed", f"{type(exc).__name__}: {exc}")
    with contextlib.suppress(OSError):  # the parent is gone
        conn.send(answer)
