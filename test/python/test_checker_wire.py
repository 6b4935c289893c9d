"""passk_checker's messages. The sample, server -> checker (binary header, three texts, two fds as
SCM_RIGHTS): what the checker rebuilds is what the server sent, whatever the texts hold and however
the socket splits the message; a header whose lengths do not add up is refused. The reply, checker ->
server (binary header, the report as JSON only when there is one): read back as sent; anything else
is None (the checker is then replaced)."""
import os
import socket
import threading
import unittest

import passk_checker as C


class SampleMessageTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server, self.checker = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.pipes = [os.pipe(), os.pipe()]

    def tearDown(self) -> None:
        self.server.close()
        self.checker.close()
        for r, w in self.pipes:
            for fd in (r, w):
                try:
                    os.close(fd)
                except OSError:
                    pass

    def send(self, prompt: bytes, test: bytes, entry: str, cpu_ms: float) -> None:
        C._send_sample(self.server, prompt, test, entry.encode(), cpu_ms, [self.pipes[0][1], self.pipes[1][0]])

    def test_texts_cpu_limit_and_pipe_ends_arrive(self) -> None:
        self.send("def f(x):\n    \"\"\"é ✓\"\"\"\n".encode(), b"def check(c):\n    assert c(1)\x00 \xff\n", "f", 2500)
        got = C._receive_sample(self.checker)
        assert got is not None
        payload, cpu_ms, fds = got
        self.assertEqual(payload, {"prompt": "def f(x):\n    \"\"\"é ✓\"\"\"\n",
                                   "test": "def check(c):\n    assert c(1)\x00 \ufffd\n", "entry_point": "f"})
        self.assertEqual(cpu_ms, 2500.0)
        os.write(fds[0], b"calls")  # the checker's ends: the write end of calls, the read end of results
        self.assertEqual(os.read(self.pipes[0][0], 5), b"calls")
        os.write(self.pipes[1][1], b"results")
        self.assertEqual(os.read(fds[1], 7), b"results")
        for fd in fds:
            os.close(fd)

    def test_a_message_larger_than_the_socket_buffer_arrives_whole(self) -> None:
        prompt, test = b"p" * (3 << 20), bytes(range(256)) * 8192  # a partial sendmsg, then the rest
        got: list[object] = []
        reader = threading.Thread(target=lambda: got.append(C._receive_sample(self.checker)))
        reader.start()
        self.send(prompt, test, "candidate", 100)
        reader.join()
        sample = got[0]
        assert isinstance(sample, tuple)
        self.assertEqual(sample[0]["prompt"], prompt.decode())
        self.assertEqual(sample[0]["test"], test.decode("utf-8", "replace"))
        self.assertEqual(sample[0]["entry_point"], "candidate")
        self.assertEqual(len(sample[2]), 2)
        for fd in sample[2]:
            os.close(fd)

    def test_lengths_that_do_not_add_up_and_a_closed_socket_are_refused(self) -> None:
        head = C.SAMPLE.pack(10, 1, 2, 3, 1000.0)  # 1 + 2 + 3 != 10
        socket.send_fds(self.server, [head + b"x" * 10], [self.pipes[0][1], self.pipes[1][0]])
        bad = C._receive_sample(self.checker)
        self.assertIsNone(bad)
        self.server.close()
        self.assertIsNone(C._receive_sample(self.checker))


class ReplyTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server, self.checker = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.handle = C.Checker(1 << 30, None)
        self.handle.sock = self.server

    def tearDown(self) -> None:
        self.server.close()
        self.checker.close()

    def test_a_pass_and_a_failure_read_back_as_sent_and_their_cpu_is_charged(self) -> None:
        C._send_reply(self.checker, None, False, True, 1.5)
        self.assertEqual(self.handle.reply(), {"report": None, "gone": False, "reuse": True, "cpu_ms": 1.5})
        report = {"kind": "exception", "type": "AssertionError", "message": "é", "errno": None}
        C._send_reply(self.checker, report, False, False, 2.5)
        self.assertEqual(self.handle.reply(), {"report": report, "gone": False, "reuse": False, "cpu_ms": 2.5})
        C._send_reply(self.checker, None, True, True, 0.0)
        self.assertEqual(self.handle.reply(), {"report": None, "gone": True, "reuse": True, "cpu_ms": 0.0})
        self.assertAlmostEqual(self.handle.charged_s, 0.004)

    def test_garbage_is_none(self) -> None:
        for raw in (C.REPLY.pack(False, True, 1.0, 1 << 40), C.REPLY.pack(False, True, 1.0, 3) + b"[1]",
                    C.REPLY.pack(False, True, float("nan"), 0), C.REPLY.pack(False, True, 1.0, 2) + b"{",
                    b"\x01\x01"):
            server, checker = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            self.handle.sock = server
            checker.sendall(raw)
            checker.close()
            self.assertIsNone(self.handle.reply(), raw)
            server.close()
        self.handle.sock = self.server


if __name__ == "__main__":
    unittest.main()
