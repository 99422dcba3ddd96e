#!/usr/bin/env node
/**
 * `npm test` runs this first: the distributed executor's tests need a real Redis (REDIS_URL, else
 * 127.0.0.1:6379), and its fault tests start their own `redis-server` binary. When REDIS_URL is
 * unset and nothing answers on 6379, this installs Debian's `redis-server` if the binary is missing
 * (as root with apt-get: the project's machines and CI) and starts one in the background;
 * anywhere else it stops with the command that fixes it. No test skips for want of a Redis.
 */
import { spawnSync } from "node:child_process";
import { connect } from "node:net";

if (process.env.REDIS_URL !== undefined) process.exit(0);

function answers() {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: 6379 });
    socket.setTimeout(2_000);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG") || data.toString().startsWith("-NOAUTH"));
    });
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(false));
  });
}

if (await answers()) process.exit(0);

const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (!has("redis-server")) {
  if (!isRoot || !has("apt-get")) {
    console.error(
      "No Redis at 127.0.0.1:6379 and no redis-server binary.\nFix: sudo apt-get install -y redis-server (or set REDIS_URL)",
    );
    process.exit(1);
  }
  console.error(
    "--- redis-server missing: installing Debian's redis-server package (the distributed tests need it)",
  );
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-qq"],
    ["install", "-y", "-qq", "redis-server"],
  ]) {
    if (spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env }).status !== 0) {
      console.error(`apt-get ${args.join(" ")} failed`);
      process.exit(1);
    }
  }
}
console.error("--- starting redis-server on 127.0.0.1:6379 for the tests");
const started = spawnSync(
  "redis-server",
  ["--port", "6379", "--bind", "127.0.0.1", "--daemonize", "yes", "--save", ""],
  { stdio: "inherit" },
);
if (started.status !== 0) process.exit(1);
for (let i = 0; i < 50; i++) {
  if (await answers()) process.exit(0);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
console.error("redis-server was started but does not answer on 127.0.0.1:6379");
process.exit(1);
