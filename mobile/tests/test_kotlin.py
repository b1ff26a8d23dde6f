"""Kotlin on the JVM: the generated Kotlin bindings and tests/kotlin/TokhaiTest.kt, compiled by test.sh
($TOKHAI_KOTLIN_CLASSPATH), run against the real library with JNA through the same scenario as the Python
tests — open with a key-store callback, declare, personal code, check in from a code and an NV21 frame,
check out, a wrong key, failing key stores, malformed frames, the live scanner, sync against the real
tokhai-server and a sync cancelled mid-way. This file prepares the inputs and answers the program's
questions (texted codes, when the held answer has arrived)."""

import os
import subprocess
import tempfile
import threading
import unittest

from helpers import Issuer
from server import Proxy, Server

CLASSPATH = os.environ.get("TOKHAI_KOTLIN_CLASSPATH", "")


@unittest.skipIf(os.environ.get("TOKHAI_SKIP_KOTLIN") == "1", "TOKHAI_SKIP_KOTLIN=1 (test.sh --no-kotlin)")
class Kotlin(unittest.TestCase):
    def test_the_scenario_from_kotlin(self):
        self.assertTrue(CLASSPATH, "TOKHAI_KOTLIN_CLASSPATH is not set: run mobile/test.sh")
        issuer = Issuer()
        self.addCleanup(issuer.tmp.cleanup)
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        inp = tmp.name
        with open(os.path.join(inp, "trust.json"), "w", encoding="utf-8") as f:
            f.write(issuer.trust_json)
        for n in (1, 2, 3, 4):
            png = os.path.join(inp, f"qr{n}.png") if n <= 2 else None
            code = issuer.checkpoint(900 + n, f"Quầy {n}", png=png)
            with open(os.path.join(inp, f"code{n}.txt"), "w", encoding="utf-8") as f:
                f.write(code)
        server = Server()
        self.addCleanup(server.stop)
        proxy = Proxy(server.url, hold=2)
        self.addCleanup(proxy.stop)
        env = dict(os.environ, TOKHAI_KT_INPUT=inp, TOKHAI_KT_SERVER=server.url, TOKHAI_KT_PROXY=proxy.url)
        proc = subprocess.Popen(
            ["java", f"-Djna.library.path={os.environ['TOKHAI_MOBILE_BINDINGS']}", "-cp", CLASSPATH,
             "TokhaiTestKt"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        errors = []
        reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
        reader.start()
        said = []
        mark = server.mark()
        for line in proc.stdout:
            line = line.strip()
            said.append(line)
            if line.startswith("OTP? "):
                answer = server.code_for(line.split()[1], mark)
                mark = server.mark()
            elif line == "SYNC_STARTED":
                answer = "ANSWERED" if proxy.answered.wait(120) else "NEVER"
            elif line == "RELEASE":
                proxy.release()
                answer = "RELEASED"
            else:
                continue
            proc.stdin.write(answer + "\n")
            proc.stdin.flush()
        code = proc.wait(timeout=600)
        reader.join(timeout=60)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()
        self.assertEqual(code, 0, f"Kotlin test failed:\n{''.join(errors)}")
        self.assertEqual(said[-1:], ["OK"], said)


if __name__ == "__main__":
    unittest.main()
