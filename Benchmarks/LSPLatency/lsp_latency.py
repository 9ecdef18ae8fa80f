"""Save → published diagnostics with `trim lsp`, against the same change's
one-shot `trim run`, on one workspace. Standard library only (raw JSON-RPC).

lsp_latency.py TRIM WORKSPACE FILE ORIGINAL VARIANTS ROUNDS
  FILE      the file changed (relative to WORKSPACE)
  ORIGINAL  a line fragment of FILE; VARIANTS: '|'-separated replacements,
            one per round (each keeps the tests passing)
Prints one line per round: `round N server S oneshot S` (seconds).
"""
import json
import os
import subprocess
import sys
import time

trim, root, relative, original, variants, rounds = sys.argv[1:7]
rounds = int(rounds)
variants = variants.split("|")
path = os.path.join(root, relative)
uri = "file://" + os.path.realpath(path)
text = open(path).read()
assert original in text, "%s does not hold %r" % (relative, original)

server = subprocess.Popen([trim, "lsp", "--workspace", "-j", "2"], cwd=root, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


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

for number in range(rounds):
    changed = text.replace(original, variants[number % len(variants)], 1)
    write(changed)
    start = time.monotonic()
    save()
    wait_for(diagnostics_for_file)
    served = time.monotonic() - start
    wait_for(round_finished)
    write(text)
    save()
    wait_for(round_finished)

    # The same change, one-shot, while the server is idle (one trim per workspace at a time).
    write(changed)
    start = time.monotonic()
    subprocess.run([trim, "run", "--workspace", "-j", "2", "--no-progress"], cwd=root, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    oneshot = time.monotonic() - start
    write(text)
    subprocess.run([trim, "run", "--workspace", "-j", "2", "--no-progress"], cwd=root, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    save()  # the server's round sees the reverted tree as recorded: nothing to run
    wait_for(round_finished)
    print("round %d server %.3f oneshot %.3f" % (number + 1, served, oneshot), flush=True)

send({"id": 2, "method": "shutdown"})
wait_for(lambda m: m.get("id") == 2)
send({"method": "exit"})
server.wait(timeout=30)
