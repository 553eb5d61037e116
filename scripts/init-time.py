"""Measures a Lambda function binary's cold start on this machine: the time
from process start to its first request for work (init done) and to its
answer to the first event, using a minimal Lambda Runtime API on 127.0.0.1.

Usage: python3 scripts/init-time.py BINARY EVENT.json [RUNS]
The function's own configuration (LAND_TABLE, AWS_ENDPOINT_URL, ...) comes
from the environment. Prints one line per run and the medians.
"""

import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time


def run_once(binary, event):
    marks = {}
    done = threading.Event()

    class RuntimeApi(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path.endswith("/invocation/next"):
                if "next" in marks:  # the second poll: keep it waiting until we stop
                    done.wait(5)
                    self.send_response(500)
                    self.end_headers()
                    return
                marks["next"] = time.perf_counter()
                body = json.dumps(event).encode()
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", "init-time-1")
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:f")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            payload = self.rfile.read(length)
            marks["response"] = time.perf_counter()
            marks["status"] = json.loads(payload or b"{}").get("statusCode")
            self.send_response(202)
            self.end_headers()
            done.set()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RuntimeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ)
    env.update({
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_address[1]}",
        "AWS_LAMBDA_FUNCTION_NAME": "init-time",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": "init-time",
        "AWS_LAMBDA_LOG_STREAM_NAME": "init-time",
    })
    start = time.perf_counter()
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done.wait(30)
    process.kill()
    process.wait()
    server.shutdown()
    return (marks["next"] - start) * 1000, (marks["response"] - start) * 1000, marks.get("status")


def main():
    binary, event_file = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    event = json.load(open(event_file))
    inits, firsts = [], []
    for n in range(runs):
        init_ms, first_ms, status = run_once(binary, event)
        inits.append(init_ms)
        firsts.append(first_ms)
        print(f"run {n + 1}: ready for the first event after {init_ms:.1f} ms, answered it ({status}) after {first_ms:.1f} ms")
    print(f"median: init {statistics.median(inits):.1f} ms, first answer {statistics.median(firsts):.1f} ms")


if __name__ == "__main__":
    main()
