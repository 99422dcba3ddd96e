import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { Agent, get, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { startEndpoint, type RunningEndpoint } from "../../src/letters/endpoint.js";
import { LETTERS } from "../../src/letters/letter.js";
import { parseRecordList } from "../../src/letters/record.js";

const search = (endpoint: RunningEndpoint, q: string) =>
  `${endpoint.url}/api/company/search/?q=${encodeURIComponent(q)}`;

describe("startEndpoint: routes and data", async () => {
  const endpoint = await startEndpoint({ latency: "0", seed: 11 });
  after(() => endpoint.close());

  test("binds loopback on a free port and exposes a search template", () => {
    assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(endpoint.searchTemplate, `${endpoint.url}/api/company/search/?q={letter}`);
    assert.deepEqual(endpoint.latency, { kind: "fixed", ms: 0 });
  });

  test("answers each letter with a JSON list of about 10 records", async () => {
    for (const letter of LETTERS) {
      const res = await fetch(endpoint.searchTemplate.replace("{letter}", letter));
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      const records = parseRecordList(await res.json());
      assert.equal(records.length, 10);
      assert.ok(records.every((r) => r.name.toLowerCase().startsWith(letter)));
    }
  });

  test("a longer query is a prefix search; an empty one finds nothing", async () => {
    const [first] = (await (await fetch(search(endpoint, "m"))).json()) as Array<{ name: string }>;
    const prefix = first!.name.slice(0, 4);
    const hits = (await (await fetch(search(endpoint, prefix))).json()) as Array<{ name: string }>;
    assert.ok(hits.some((r) => r.name === first!.name));
    assert.deepEqual(await (await fetch(search(endpoint, ""))).json(), []);
    const noSlash = await fetch(`${endpoint.url}/api/company/search?q=a`);
    assert.equal(noSlash.status, 200);
  });

  test("healthz; 404, 405 and 400 with JSON errors; HEAD without a body", async () => {
    const health = await fetch(`${endpoint.url}/healthz`);
    assert.deepEqual([health.status, await health.json()], [200, { status: "ok" }]);
    const cases: Array<[string, RequestInit, number, RegExp]> = [
      ["/nope", {}, 404, /no route for \/nope/],
      ["/api/company/search/?q=a", { method: "POST", body: "x" }, 405, /method POST not allowed/],
      ["/api/company/search/", {}, 400, /missing query parameter "q"/],
      [`/api/company/search/?q=${"a".repeat(101)}`, {}, 400, /longer than 100/],
    ];
    for (const [path, init, status, message] of cases) {
      const res = await fetch(endpoint.url + path, init);
      assert.equal(res.status, status, path);
      const body = (await res.json()) as { error: string };
      assert.match(body.error, message);
      if (status === 405) assert.equal(res.headers.get("allow"), "GET, HEAD");
    }
    const head = await fetch(search(endpoint, "a"), { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.ok(Number(head.headers.get("content-length")) > 0);
    assert.equal(await head.text(), "");
  });

  test("counts every request", async () => {
    const before = endpoint.requests();
    await (await fetch(`${endpoint.url}/healthz`)).text();
    await (await fetch(`${endpoint.url}/nope`)).text();
    assert.equal(endpoint.requests(), before + 2);
  });
});

describe("startEndpoint: determinism", () => {
  test("the same seed serves the same bytes; another seed, other bytes", async () => {
    const [a, b, c] = await Promise.all([
      startEndpoint({ latency: "0", seed: 5 }),
      startEndpoint({ latency: "uniform:0..2ms", seed: 5 }),
      startEndpoint({ latency: "0", seed: 6, recordsPerLetter: 3 }),
    ]);
    try {
      const body = async (endpoint: RunningEndpoint) => (await fetch(search(endpoint, "t"))).text();
      assert.equal(await body(a), await body(b));
      const other = JSON.parse(await body(c)) as unknown[];
      assert.equal(other.length, 3);
      assert.notDeepEqual(other, (JSON.parse(await body(a)) as unknown[]).slice(0, 3));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  test("rejects bad options before listening", async () => {
    await assert.rejects(startEndpoint({ latency: "fast" }), { code: "ERR_INVALID_LATENCY" });
    await assert.rejects(startEndpoint({ faults: "rate=7" }), { code: "ERR_INVALID_FAULTS" });
    await assert.rejects(startEndpoint({ latency: { kind: "fixed", ms: -1 } }), {
      code: "ERR_INVALID_LATENCY",
    });
    await assert.rejects(startEndpoint({ port: 70_000 }), RangeError);
  });

  test("a port in use is an error", async () => {
    const first = await startEndpoint({ latency: "0" });
    try {
      const port = Number(new URL(first.url).port);
      await assert.rejects(startEndpoint({ latency: "0", port }), { code: "EADDRINUSE" });
    } finally {
      await first.close();
    }
  });
});

describe("startEndpoint: every fault mode", async () => {
  const endpoint = await startEndpoint({
    latency: "0",
    faults: "q=a:500;q=b:503;q=c:429;q=d:hang;q=e:stall;q=f:truncate;q=g:invalid-json;q=h:404*;retry-after=7",
  });
  after(() => endpoint.close());

  test("HTTP statuses, with Retry-After on 429; the next request is fine", async () => {
    for (const [q, status] of [
      ["a", 500],
      ["b", 503],
      ["c", 429],
      ["h", 404],
    ] as const) {
      const res = await fetch(search(endpoint, q));
      assert.equal(res.status, status, q);
      assert.match(
        ((await res.json()) as { error: string }).error,
        new RegExp(`injected fault: HTTP ${status}`),
      );
      assert.equal(res.headers.get("retry-after"), status === 429 ? "7" : null);
    }
    for (const q of "abc") assert.equal((await fetch(search(endpoint, q))).status, 200, `${q} recovers`);
    assert.equal((await fetch(search(endpoint, "h"))).status, 404, "h fails forever");
    assert.equal((await fetch(`${endpoint.url}/healthz`)).status, 200, "health checks never fail");
  });

  test("hang: no answer at all", async () => {
    await assert.rejects(fetch(search(endpoint, "d"), { signal: AbortSignal.timeout(300) }), {
      name: "TimeoutError",
    });
  });

  test("stall: headers and half a body, then nothing", async () => {
    const res = await fetch(search(endpoint, "e"), { signal: AbortSignal.timeout(300) });
    assert.equal(res.status, 200);
    await assert.rejects(res.text(), { name: "TimeoutError" });
  });

  test("truncate: the connection is cut mid-body", async () => {
    const res = await fetch(search(endpoint, "f"));
    assert.equal(res.status, 200);
    await assert.rejects(res.text(), /terminated/);
  });

  test("invalid-json: a complete 200 whose body does not parse", async () => {
    const res = await fetch(search(endpoint, "g"));
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(text.length, Number(res.headers.get("content-length")));
    assert.throws(() => JSON.parse(text), SyntaxError);
  });
});

describe("close()", () => {
  test(
    "ends keep-alive sockets, hung and delayed responses, and is idempotent",
    { timeout: 10_000 },
    async () => {
      const endpoint = await startEndpoint({ latency: "10s", faults: "q=x:hang" });
      const agent = new Agent({ keepAlive: true });
      try {
        // A keep-alive socket left idle after a response.
        let socket: Socket | undefined;
        const idle = await new Promise<IncomingMessage>((resolve, reject) =>
          get(`${endpoint.url}/healthz`, { agent }, resolve)
            .on("socket", (s) => (socket = s))
            .on("error", reject),
        );
        idle.resume();
        await once(idle, "end");
        assert.ok(socket && !socket.destroyed, "kept alive");
        // A hung request and a delayed one, both in flight.
        // Settled into values at once: they fail during close(), before the asserts below run.
        const outcome = (request: Promise<Response>) =>
          request.then(
            () => "answered",
            () => "failed",
          );
        const hung = outcome(fetch(search(endpoint, "x")));
        const delayed = outcome(fetch(search(endpoint, "y")));
        while (endpoint.requests() < 3) await new Promise((resolve) => setTimeout(resolve, 10));
        const closed = endpoint.close();
        assert.equal(endpoint.close(), closed, "a second close() returns the same promise");
        await closed;
        assert.equal(await hung, "failed");
        assert.equal(await delayed, "failed");
        if (!socket.destroyed) await once(socket, "close"); // would hang (test timeout) if left open
        await assert.rejects(fetch(`${endpoint.url}/healthz`), "no longer listening");
      } finally {
        agent.destroy();
        await endpoint.close();
      }
    },
  );

  test("works with await using", async () => {
    let url: string;
    {
      await using endpoint = await startEndpoint({ latency: "0" });
      url = endpoint.url;
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
    }
    await assert.rejects(fetch(`${url}/healthz`));
  });
});
