import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { isLoopback } from "../../src/cli/commands/serve.js";
import { generateDataset } from "../../src/letters/data.js";
import { startEndpoint } from "../../src/letters/endpoint.js";
import { runCli, runCliInProcess, spawnCli, until } from "../letters/helpers.js";

describe("concur serve", () => {
  test(
    "prints its URL, serves the seed's data with faults, stops cleanly on SIGTERM (exit 143)",
    { timeout: 30_000 },
    async () => {
      const cli = spawnCli([
        "serve",
        "--port",
        "0",
        "--latency",
        "0",
        "--seed",
        "3",
        "--faults",
        "q=a:500",
        "--records-per-letter",
        "4",
      ]);
      try {
        await until(() => /listening on http/.test(cli.stdout()) || cli.child.exitCode !== null);
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stdout())?.[1];
        assert.ok(url, cli.stdout() + cli.stderr());
        assert.match(cli.stdout(), /latency: fixed 0ms; faults: q=a: 500; seed 3; 4 records per letter/);
        assert.equal((await fetch(`${url}/healthz`)).status, 200);
        assert.equal((await fetch(`${url}/api/company/search/?q=a`)).status, 500);
        const b = await fetch(`${url}/api/company/search/?q=b`);
        assert.deepEqual(await b.json(), generateDataset({ seed: 3, recordsPerLetter: 4 }).letter("b"));
        cli.child.kill("SIGTERM");
        assert.equal(await cli.exited, 143);
        assert.match(cli.stderr(), /SIGTERM, closing \(3 requests served\)/);
        await assert.rejects(fetch(`${url}/healthz`));
      } finally {
        cli.child.kill("SIGKILL");
      }
    },
  );

  test("Ctrl-C closes even with a hung request in flight", { timeout: 30_000 }, async () => {
    const cli = spawnCli(["serve", "--latency", "0", "--faults", "q=x:hang"]);
    try {
      await until(() => /listening on http/.test(cli.stdout()) || cli.child.exitCode !== null);
      const url = /listening on (\S+)/.exec(cli.stdout())![1]!;
      const hung = fetch(`${url}/api/company/search/?q=x`).then(
        () => "answered",
        () => "failed",
      );
      // A later request answered: the hung one (sent first) has most likely arrived too.
      await until(async () => (await fetch(`${url}/healthz`)).ok);
      cli.child.kill("SIGINT");
      assert.equal(await cli.exited, 130);
      assert.equal(await hung, "failed");
    } finally {
      cli.child.kill("SIGKILL");
    }
  });

  test("bad flags exit 2 naming the flag", { timeout: 60_000 }, async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--port", "abc"], /--port must be an integer from 0 to 65535, got "abc"/],
      [["--port", "70000"], /--port must be an integer/],
      [["--latency", "fast"], /--latency: invalid latency "fast"/],
      [["--faults", "rate=2"], /--faults: invalid faults/],
      [["--records-per-letter", "-1"], /--records-per-letter must be an integer/],
      [["--bogus"], /unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const result = await runCliInProcess(["serve", ...args]);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    const spawned = await runCli(["serve", "--latency", "fast"]);
    assert.equal(spawned.code, 2);
    assert.match(spawned.stderr, /--latency: invalid latency "fast"/);
  });

  test("a port in use exits 1 with a clear message", { timeout: 30_000 }, async () => {
    const endpoint = await startEndpoint({ latency: "0" });
    try {
      const result = await runCli(["serve", "--port", new URL(endpoint.url).port]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /cannot listen on 127\.0\.0\.1:\d+: port \d+ is already in use/);
    } finally {
      await endpoint.close();
    }
  });

  test("isLoopback tells which hosts need the warning", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"])
      assert.ok(isLoopback(host), host);
    for (const host of ["0.0.0.0", "::", "192.168.1.2", "example.com"]) assert.ok(!isLoopback(host), host);
  });
});
