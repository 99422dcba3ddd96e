/**
 * Separate hosts on one machine, for the multi-host test: Linux network namespaces, each joined
 * to the root namespace by a veth pair on a /24 of its own (10.213.N.1 on the root side, .2
 * inside as eth0, no default route). A process run through `host.exec` sees only that link, so a
 * worker there reaches Redis only over it, and `cut()` takes the host off the network as a
 * pulled cable would: its TCP connections stay open and silent, nothing is refused.
 *
 * Needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN); without it creating a host fails the test with the
 * reason and the command to run instead, it never skips. Names carry the test's pid, so runs
 * never collide and hosts left by a run that was killed -9 are recognised and removed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { isAlive } from "./leftovers.js";

const IP = existsSync("/usr/sbin/ip") ? "/usr/sbin/ip" : "ip";
/** concur-mh-<pid>-<label>: the namespaces of this test. */
const NAMESPACE = /^concur-mh-(\d+)-[a-z0-9]+$/;
/** The hosts' subnets: 10.213.N.0/24. */
const NET = "10.213";

function ip(args: readonly string[]): string {
  const run = spawnSync(IP, args, { encoding: "utf8" });
  if (run.error) {
    throw new Error(
      `${IP} ${args.join(" ")}: ${run.error.message} (install iproute2: apt-get install iproute2)`,
    );
  }
  if (run.status !== 0) throw new Error(`${IP} ${args.join(" ")} failed: ${run.stderr.trim()}`);
  return run.stdout;
}

/** Like `ip`, for cleanup: whatever is already gone is fine. */
function ipQuiet(args: readonly string[]): void {
  spawnSync(IP, args, { stdio: "ignore" });
}

/** Kills every process in a namespace (the workers and anything they started). */
function killAllIn(ns: string): void {
  const pids = spawnSync(IP, ["netns", "pids", ns], { encoding: "utf8" }).stdout ?? "";
  for (const pid of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // already gone
    }
  }
}

export class NetnsHost {
  #destroyed = false;

  constructor(
    /** a, b…: also the value of CONCUR_TEST_HOST for what runs there. */
    readonly label: string,
    readonly ns: string,
    /** The veth end in the root namespace. */
    readonly link: string,
    /** The root namespace's address on this host's link: where the host finds Redis. */
    readonly rootIp: string,
    /** The host's own address. */
    readonly ip: string,
  ) {}

  /** argv that runs a command on this host: `[...host.exec, "node", …]`. */
  get exec(): string[] {
    return [IP, "netns", "exec", this.ns];
  }

  /** Takes the host off the network: its eth0 goes down (routes gone, packets dropped). */
  cut(): void {
    ip(["-n", this.ns, "link", "set", "eth0", "down"]);
  }

  /** Puts the host back on the network (the partition heals). */
  heal(): void {
    ip(["-n", this.ns, "link", "set", "eth0", "up"]);
  }

  /** Kills what runs on the host, deletes its namespace and its link. Synchronous (for signal handlers) and idempotent. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    killAllIn(this.ns);
    ipQuiet(["netns", "del", this.ns]);
    // Deleting the namespace deletes its veth end and so the pair; this covers a half-made host.
    ipQuiet(["link", "del", this.link]);
  }
}

/** Removes the hosts of earlier runs whose test process is gone (a run killed with SIGKILL). */
export function removeStaleHosts(): void {
  const listed = spawnSync(IP, ["netns", "list"], { encoding: "utf8" }).stdout ?? "";
  for (const line of listed.split("\n")) {
    const ns = line.split(" ")[0] ?? "";
    const owner = NAMESPACE.exec(ns)?.[1];
    if (owner === undefined || isAlive(Number(owner))) continue;
    killAllIn(ns);
    ipQuiet(["netns", "del", ns]);
  }
  const links = spawnSync(IP, ["-o", "link", "show"], { encoding: "utf8" }).stdout ?? "";
  for (const match of links.matchAll(/^\d+: (cmh(\d+)[a-z0-9]+)[@:]/gm)) {
    if (!isAlive(Number(match[2]))) ipQuiet(["link", "del", match[1]!]);
  }
}

/** Subnet numbers N (10.213.N.0/24) no address or route of the root namespace uses yet. */
function freeSubnets(count: number): number[] {
  const used = ip(["-4", "-o", "addr", "show"]) + ip(["-4", "route", "show", "table", "all"]);
  const free: number[] = [];
  const start = process.pid % 250;
  for (let i = 0; i < 250 && free.length < count; i++) {
    const n = ((start + i) % 250) + 1;
    if (!used.includes(`${NET}.${n}.`)) free.push(n);
  }
  assert.equal(free.length, count, `no free ${NET}.N.0/24 subnets for the test hosts`);
  return free;
}

/**
 * Creates one host per label. Fails the test (never skips) when namespaces cannot be made here,
 * saying why and what to run instead. Hosts already made are destroyed when a later one fails.
 */
export function createHosts(labels: readonly string[]): NetnsHost[] {
  const fix =
    "this test puts workers in network namespaces and must run as root with CAP_NET_ADMIN and " +
    "CAP_SYS_ADMIN (CI runs as root; in a container add --cap-add NET_ADMIN --cap-add SYS_ADMIN or " +
    "--privileged): run `sudo node scripts/run-tests.mjs packages/distributed/test/multihost`";
  if (process.getuid?.() !== 0) assert.fail(`not root (uid ${process.getuid?.()}): ${fix}`);
  const subnets = freeSubnets(labels.length);
  const hosts: NetnsHost[] = [];
  try {
    labels.forEach((label, i) => {
      const n = subnets[i]!;
      const host = new NetnsHost(
        label,
        `concur-mh-${process.pid}-${label}`,
        `cmh${process.pid}${label}`,
        `${NET}.${n}.1`,
        `${NET}.${n}.2`,
      );
      hosts.push(host);
      ip(["netns", "add", host.ns]);
      ip(["link", "add", host.link, "type", "veth", "peer", "name", "eth0", "netns", host.ns]);
      ip(["addr", "add", `${host.rootIp}/24`, "dev", host.link]);
      ip(["link", "set", host.link, "up"]);
      ip(["-n", host.ns, "addr", "add", `${host.ip}/24`, "dev", "eth0"]);
      ip(["-n", host.ns, "link", "set", "eth0", "up"]);
      ip(["-n", host.ns, "link", "set", "lo", "up"]);
    });
  } catch (error) {
    for (const host of hosts) host.destroy();
    assert.fail(`could not create the test hosts (${(error as Error).message}): ${fix}`);
  }
  return hosts;
}

/**
 * Runs `cleanup` (synchronous) if the test process is interrupted (Ctrl-C, or the runner's
 * SIGTERM), then exits: `after` hooks do not run then, and namespaces would outlive the run.
 */
export function onInterrupt(cleanup: () => void): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    try {
      cleanup();
    } finally {
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
