// Preloaded into the Azurite server a test host starts (node --require, tests/Shared/ObjectStore/AzuriteServer.cs):
// the host holds the write end of this process's stdin and nothing else does, so the pipe reaches end-of-file exactly
// when the host is gone, however it died (SIGKILL included). The server then deletes its data directory, which the
// host would have deleted on dispose, and exits: no server outlives its host.
"use strict";
const fs = require("fs");

const dataDirectory = process.env.UFFDGEN_AZURITE_DATA;
function exitWithHost() {
  if (dataDirectory) {
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  }
  process.exit(0);
}

process.stdin.on("end", exitWithHost);
process.stdin.on("error", exitWithHost);
process.stdin.resume();
// Reading stdin must not keep the server alive once it has closed by itself (SIGTERM, a graceful stop).
process.stdin.unref();
