#!/usr/bin/env python3
"""A local chain for the reward sender, with anvil (installed by
scripts/test.sh into .tools/anvil) and the bundled collection
(contracts/RewardsCollection.json). Standard library only.

    scripts/chain.py anvil                       # anvil on 127.0.0.1:8545, chain id 80002, a block a second
    scripts/chain.py deploy [MAX_SUPPLY]         # deploys the collection with item 0; prints its address
    scripts/chain.py allow COLLECTION WALLET     # makes WALLET a minter of COLLECTION and funds it
    scripts/chain.py balance COLLECTION ADDRESS  # tokens of COLLECTION that ADDRESS holds
    scripts/chain.py gas                         # gas per reward at batch sizes 1, 10, 50 (own anvil)

RPC_URL (default http://127.0.0.1:8545) names the node; transactions come from
anvil's first dev account (unlocked), which deploys and owns the collection.
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
ARTIFACT = json.load(open(os.path.join(ROOT, "contracts/RewardsCollection.json")))
IDS = ARTIFACT["methodIdentifiers"]


def word(n):
    return f"{n:064x}"


class Node:
    def __init__(self, url):
        self.url = url

    def rpc(self, method, params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
        request = urllib.request.Request(self.url, body, {"content-type": "application/json"})
        answer = json.load(urllib.request.urlopen(request))
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def wait(self):
        for _ in range(100):
            try:
                return self.rpc("eth_chainId", [])
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"no node at {self.url}")

    def send(self, to, data):
        tx = {"from": DEPLOYER, "data": data, "gas": hex(30_000_000)}
        if to:
            tx["to"] = to
        hash = self.rpc("eth_sendTransaction", [tx])
        receipt = None
        while receipt is None:
            receipt = self.rpc("eth_getTransactionReceipt", [hash])
            time.sleep(0.02)
        assert receipt["status"] == "0x1", receipt
        return receipt

    def deploy(self, max_supply):
        collection = self.send(None, ARTIFACT["bytecode"])["contractAddress"]
        self.send(collection, "0x" + IDS["addItem(uint256)"] + word(max_supply))
        return collection

    def issue(self, collection, beneficiaries, item=0):
        """issueTokens(address[],uint256[]): two offsets, then each array."""
        n = len(beneficiaries)
        data = "0x" + IDS["issueTokens(address[],uint256[])"] + word(64) + word(64 + 32 * (n + 1))
        data += word(n) + "".join(word(b) for b in beneficiaries)
        data += word(n) + "".join(word(item) for _ in beneficiaries)
        return self.send(collection, data)


def start_anvil(port):
    return subprocess.Popen([ANVIL, "--host", "127.0.0.1", "--port", str(port), "--chain-id", "80002", "--silent"])


def gas():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    anvil = start_anvil(port)
    try:
        node = Node(f"http://127.0.0.1:{port}")
        node.wait()
        collection = node.deploy(10_000)
        print(f"issueTokens on the bundled collection, {node.rpc('web3_clientVersion', [])}")
        print(f"{'batch':>5} {'gas':>10} {'gas/reward':>11} {'vs batch 1':>10}")
        beneficiary, single = 0xB0000, None
        for size in (1, 10, 50):
            used = int(node.issue(collection, range(beneficiary, beneficiary + size))["gasUsed"], 16)
            beneficiary += size
            per = used / size
            single = single or per
            print(f"{size:>5} {used:>10} {per:>11.0f} {single / per:>9.2f}x")
    finally:
        anvil.terminate()


def main(args):
    node = Node(os.environ.get("RPC_URL", "http://127.0.0.1:8545"))
    match args:
        case ["anvil"]:
            # A block a second, as a real chain makes them: confirmations come by themselves.
            os.execv(ANVIL, [ANVIL, "--host", "127.0.0.1", "--port", "8545", "--chain-id", "80002", "--block-time", "1"])
        case ["deploy", *rest]:
            print(node.deploy(int(rest[0]) if rest else 1000))
        case ["allow", collection, wallet]:
            node.send(collection, "0x" + IDS["setMinter(address,bool)"] + word(int(wallet, 16)) + word(1))
            node.rpc("anvil_setBalance", [wallet, hex(10**20)])
            print(f"{wallet} may mint on {collection}, and holds 100 ETH")
        case ["balance", collection, address]:
            print(int(node.rpc("eth_call", [{"to": collection, "data": "0x" + IDS["balanceOf(address)"] + word(int(address, 16))}, "latest"]), 16))
        case ["gas"]:
            gas()
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
