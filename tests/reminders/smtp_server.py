"""
A real SMTP server (aiosmtpd) on loopback for the tests of the workflow emails, run as its own
process: `python -I tests/reminders/smtp_server.py PACKAGES PORT FOLDER`.

aiosmtpd needs atpublic, whose module is called `public` like our app. So it is installed in
PACKAGES (.venv/smtp-server, by `make install`), on no other process's path, and this process
starts isolated (-I: neither the working folder nor PYTHONPATH on its path) with only PACKAGES
added: `public` here is atpublic, and the project's processes never see atpublic.

Each accepted message is written to FOLDER as a file. Files in FOLDER steer it:
- `refuse`: every message is refused with 451 (try again later), as a mail server that is down.
- `hold`: a message that arrives is held before it is accepted (the file `holding` says so)
  until `hold` is removed, so a test can kill the sending worker mid-send.
"""

import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, sys.argv[1])

from aiosmtpd.controller import Controller  # noqa: E402


class Handler:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        if (self.folder / "refuse").exists():
            return "451 4.3.0 Mail server busy, try again later"
        if (self.folder / "hold").exists():
            (self.folder / "holding").write_text("1")
            while (self.folder / "hold").exists():
                time.sleep(0.05)  # blocks the server: one message at a time, as a test wants
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
        return "250 2.0.0 Accepted"


def main():
    port, folder = int(sys.argv[2]), Path(sys.argv[3])
    controller = Controller(Handler(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    try:
        while True:
            time.sleep(1)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
