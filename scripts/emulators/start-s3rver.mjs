// Starts s3rver (an S3 emulator) on loopback, storing objects under the given folder, and lets it accept the
// credentials the other emulators take (test/test) besides its own (S3RVER/S3RVER): it checks every request's
// signature against the keys it knows.
// Usage: node start-s3rver.mjs <port> <folder>
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const S3rver = require("s3rver");
const account = require("s3rver/lib/models/account");

const port = Number(process.argv[2]);
const directory = process.argv[3];
if (!Number.isInteger(port) || port <= 0 || !directory) {
  console.error("usage: node start-s3rver.mjs <port> <folder>");
  process.exit(64);
}
account.DUMMY_ACCOUNT.createKeyPair("test", "test");
const server = new S3rver({ address: "127.0.0.1", port, directory, silent: true });
const address = await server.run();
console.log(`s3rver listening on http://${address.address}:${address.port}`);
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, async () => {
    await server.close();
    process.exit(0);
  });
}
