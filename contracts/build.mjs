// Compiles RewardsCollection.sol with solc (npm `solc`, pinned in
// package.json) and OpenZeppelin's ERC721 into RewardsCollection.json: the
// ABI, the creation bytecode and the method identifiers the tests and the
// sender check against. Run: npm ci --prefix contracts && node contracts/build.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "package.json"));
const solc = require("solc");

const input = {
  language: "Solidity",
  sources: { "RewardsCollection.sol": { content: readFileSync(join(here, "RewardsCollection.sol"), "utf8") } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { "RewardsCollection.sol": { RewardsCollection: ["abi", "evm.bytecode.object", "evm.methodIdentifiers"] } },
  },
};
const findImports = (path) => {
  try {
    return { contents: readFileSync(require.resolve(path), "utf8") };
  } catch (err) {
    return { error: `${path}: ${err.message}` };
  }
};
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors ?? []).filter((e) => e.severity === "error");
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
const contract = output.contracts["RewardsCollection.sol"].RewardsCollection;
const artifact = {
  contractName: "RewardsCollection",
  compiler: `solc ${solc.version()}`,
  abi: contract.abi,
  bytecode: `0x${contract.evm.bytecode.object}`,
  methodIdentifiers: contract.evm.methodIdentifiers,
};
writeFileSync(join(here, "RewardsCollection.json"), `${JSON.stringify(artifact, null, 2)}\n`);
console.log(`RewardsCollection.json: ${contract.evm.bytecode.object.length / 2} bytes of bytecode, ${artifact.compiler}`);
