#!/usr/bin/python3
"""A tiny syslog collector for the end-to-end tests.

usage: logcollect.py SOCKET LOGFILE

Binds a Unix datagram socket at SOCKET (the tests bind-mount it over
/dev/log inside their private mount namespace) and appends every datagram
it receives to LOGFILE as one line: trailing NULs and newlines are dropped,
inner newlines are written as the two characters "\\n" so that one message
stays one line. Creates SOCKET.ready once it is listening. Stops on SIGTERM
or SIGINT and removes SOCKET. It never forwards anything anywhere.
"""
import os
import signal
import socket
import sys


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: logcollect.py SOCKET LOGFILE\n")
        return 2
    path, logfile = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    # sshd's unprivileged children and sudo's user side may log too
    os.chmod(path, 0o666)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        with open(logfile, "ab", buffering=0) as out:
            with open(path + ".ready", "w"):
                pass
            while True:
                data = sock.recv(65536)
                data = data.rstrip(b"\0\n").replace(b"\n", b"\\n")
                out.write(data + b"\n")
    finally:
        sock.close()
        try:
            os.unlink(path)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
