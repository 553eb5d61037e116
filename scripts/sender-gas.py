#!/usr/bin/env python3
"""Gas of issueTokens per reward at batch sizes 1, 10 and 50 (the gain of
batching), measured on anvil (from .tools/anvil, installed by scripts/test.sh)
with the bundled collection (contracts/RewardsCollection.json): each batch is
a real mined transaction minting to fresh beneficiaries.

    python3 scripts/sender-gas.py
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANVIL = os.environ.get("ANVIL", os.path.join(ROOT, ".tools/anvil/node_modules/.bin/anvil"))
DEPLOYER = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    artifact = json.load(open(os.path.join(ROOT, "contracts/RewardsCollection.json")))
    ids = artifact["methodIdentifiers"]
    port = free_port()
    node = subprocess.Popen([ANVIL, "--host", "127.0.0.1", "--port", str(port), "--chain-id", "80002", "--silent"])
    url = f"http://127.0.0.1:{port}"

    def rpc(method, params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
        request = urllib.request.Request(url, body, {"content-type": "application/json"})
        answer = json.load(urllib.request.urlopen(request))
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def send(to, data):
        tx = {"from": DEPLOYER, "data": data, "gas": hex(30_000_000)}
        if to:
            tx["to"] = to
        hash = rpc("eth_sendTransaction", [tx])
        receipt = None
        while receipt is None:
            receipt = rpc("eth_getTransactionReceipt", [hash])
            time.sleep(0.02)
        assert receipt["status"] == "0x1", receipt
        return receipt

    word = lambda n: f"{n:064x}"
    try:
        for _ in range(100):
            try:
                rpc("eth_chainId", [])
                break
            except OSError:
                time.sleep(0.1)
        collection = send(None, artifact["bytecode"])["contractAddress"]
        send(collection, "0x" + ids["addItem(uint256)"] + word(10_000))
        beneficiary = 0xB0000
        print(f"issueTokens on the bundled collection, anvil {rpc('web3_clientVersion', [])}")
        print(f"{'batch':>5} {'gas':>10} {'gas/reward':>11} {'vs batch 1':>10}")
        single = None
        for size in (1, 10, 50):
            addresses = [beneficiary + i for i in range(size)]
            beneficiary += size
            # issueTokens(address[],uint256[]): two offsets, then each array.
            head = word(64) + word(64 + 32 * (size + 1))
            data = "0x" + ids["issueTokens(address[],uint256[])"] + head
            data += word(size) + "".join(word(a) for a in addresses)
            data += word(size) + "".join(word(0) for _ in addresses)
            gas = int(send(collection, data)["gasUsed"], 16)
            per = gas / size
            single = single or per
            print(f"{size:>5} {gas:>10} {per:>11.0f} {single / per:>9.2f}x")
    finally:
        node.terminate()


if __name__ == "__main__":
    sys.exit(main())
