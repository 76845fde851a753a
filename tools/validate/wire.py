"""Minimal clients for the validation stack, with no packages beyond Python's standard library:
Redis (RESP) and PostgreSQL (the simple-query protocol, trust authentication)."""
import socket
import struct


class Redis:
    """One connection to Redis speaking RESP."""

    def __init__(self, port, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")

    def command(self, *args):
        parts = [b"*%d\r\n" % len(args)]
        for a in args:
            b = a if isinstance(a, bytes) else str(a).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(b), b))
        self.sock.sendall(b"".join(parts))
        return self._reply()

    def _reply(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise RuntimeError("redis: " + rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.file.read(n + 2)
            return data[:-2]
        if kind == b"*":
            return [self._reply() for _ in range(int(rest))]
        raise RuntimeError("redis: unexpected reply %r" % line)

    def close(self):
        self.sock.close()


class Postgres:
    """One connection to PostgreSQL (protocol 3.0, trust authentication, simple queries)."""

    def __init__(self, port, user="postgres", database="postgres", host="127.0.0.1"):
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")
        body = struct.pack("!i", 196608) + b"user\0" + user.encode() + b"\0database\0" + database.encode() + b"\0\0"
        self.sock.sendall(struct.pack("!i", len(body) + 4) + body)
        while True:
            kind, payload = self._message()
            if kind == b"R" and struct.unpack("!i", payload[:4])[0] != 0:
                raise RuntimeError("postgres asks for a password; the validation cluster uses trust authentication")
            if kind == b"E":
                raise RuntimeError("postgres: " + self._error(payload))
            if kind == b"Z":
                return

    def _message(self):
        head = self.file.read(5)
        if len(head) < 5:
            raise RuntimeError("postgres closed the connection")
        kind, length = head[:1], struct.unpack("!i", head[1:])[0]
        return kind, self.file.read(length - 4)

    @staticmethod
    def _error(payload):
        fields = dict((f[:1], f[1:]) for f in payload.split(b"\0") if f)
        return fields.get(b"M", b"error").decode()

    def query(self, sql):
        """Runs `sql`; returns the rows, each a list of bytes (None for NULL)."""
        q = sql.encode() + b"\0"
        self.sock.sendall(b"Q" + struct.pack("!i", len(q) + 4) + q)
        rows, error = [], None
        while True:
            kind, payload = self._message()
            if kind == b"D":
                n = struct.unpack("!h", payload[:2])[0]
                at, row = 2, []
                for _ in range(n):
                    size = struct.unpack("!i", payload[at:at + 4])[0]
                    at += 4
                    if size < 0:
                        row.append(None)
                    else:
                        row.append(payload[at:at + size])
                        at += size
                rows.append(row)
            elif kind == b"E":
                error = self._error(payload)
            elif kind == b"Z":
                if error:
                    raise RuntimeError("postgres: " + error)
                return rows

    def close(self):
        try:
            self.sock.sendall(b"X" + struct.pack("!i", 4))
        finally:
            self.sock.close()
