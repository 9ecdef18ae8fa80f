"""Save → published diagnostics with `trim lsp`, against the same change's
one-shot `trim run`, on one workspace. Standard library only (raw JSON-RPC).

lsp_latency.py TRIM WORKSPACE FILE ORIGINAL VARIANTS ROUNDS [FLOOR]
  FILE      the file changed (relative to WORKSPACE)
  ORIGINAL  a line fragment of FILE; VARIANTS: '|'-separated replacements,
            one per round (each keeps the tests passing)
  FLOOR     an executable timed after the same change: trim's instrumented
            cargo build alone, into a target dir of its own (optional)
The three sides take turns at going first (round 1: server, one-shot, floor;
round 2: one-shot, floor, server; ...), so no side always finds the change's
bytes already in the content caches the others filled.
Prints one line per round: `round N server S oneshot S floor S` (seconds).
$LSP_SERVER_LOG: a file for the server's stderr (TRIM_TIMINGS=1 goes there).
"""
import json
import os
import subprocess
import sys
import time

trim, root, relative, original, variants, rounds = sys.argv[1:7]
floor = sys.argv[7] if len(sys.argv) > 7 else None
rounds = int(rounds)
variants = variants.split("|")
path = os.path.join(root, relative)
uri = "file://" + os.path.realpath(path)
text = open(path).read()
assert original in text, "%s does not hold %r" % (relative, original)

server = subprocess.Popen([trim, "lsp", "--workspace", "-j", "2"], cwd=root, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE,
                          stderr=open(os.environ["LSP_SERVER_LOG"], "a") if os.environ.get("LSP_SERVER_LOG")
                          else subprocess.DEVNULL)


def send(message):
    body = json.dumps(dict(message, jsonrpc="2.0")).encode()
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()


def receive():
    length = None
    while True:
        line = server.stdout.readline()
        if not line:
            raise SystemExit("trim lsp ended")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(server.stdout.read(length))


def wait_for(predicate):
    while True:
        message = receive()
        if predicate(message):
            return message


def write(content):
    with open(path, "w") as f:
        f.write(content)


def save():
    send({"method": "textDocument/didSave", "params": {"textDocument": {"uri": uri}}})


def diagnostics_for_file(message):
    return message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri


def round_finished(message):
    return message.get("method") == "trim/roundFinished"


send({"id": 1, "method": "initialize", "params": {"processId": os.getpid(), "rootUri": "file://" + root,
                                                   "capabilities": {}}})
wait_for(lambda m: m.get("id") == 1)
send({"method": "initialized", "params": {}})
send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "rust", "version": 1,
                                                                     "text": text}}})
wait_for(round_finished)  # the first round: untimed

def oneshot_run():
    subprocess.run([trim, "run", "--workspace", "-j", "2", "--no-progress"], cwd=root, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)


def timed_server(changed):
    write(changed)
    start = time.monotonic()
    save()
    wait_for(diagnostics_for_file)
    served = time.monotonic() - start
    wait_for(round_finished)
    write(text)
    save()
    wait_for(round_finished)
    return served


def timed_oneshot(changed):
    # While the server is idle (one trim per workspace at a time).
    write(changed)
    start = time.monotonic()
    oneshot_run()
    took = time.monotonic() - start
    write(text)
    oneshot_run()
    save()  # the server's round sees the reverted tree as recorded: nothing to run
    wait_for(round_finished)
    return took


def timed_floor(changed):
    write(changed)
    start = time.monotonic()
    subprocess.run([floor], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    took = time.monotonic() - start
    write(text)
    subprocess.run([floor], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return took


for number in range(rounds):
    changed = text.replace(original, variants[number % len(variants)], 1)
    sides = ["server", "oneshot"] + (["floor"] if floor else [])
    sides = sides[number % len(sides):] + sides[:number % len(sides)]
    took = {}
    for side in sides:
        took[side] = {"server": timed_server, "oneshot": timed_oneshot, "floor": timed_floor}[side](changed)
    print("round %d server %.3f oneshot %.3f floor %.3f"
          % (number + 1, took["server"], took["oneshot"], took.get("floor", 0.0)), flush=True)

send({"id": 2, "method": "shutdown"})
wait_for(lambda m: m.get("id") == 2)
send({"method": "exit"})
server.wait(timeout=30)
