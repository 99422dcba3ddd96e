/**
 * Progress on stderr while a bench runs. On a terminal: one line redrawn in place (bar, cell, run,
 * ETA). Elsewhere (CI logs, pipes): one line per finished cell and nothing else.
 */
import type { BenchEvent } from "./runner.js";
import { printable } from "../letters/printable.js";
import { formatMs } from "./reporters/terminal.js";
import { median } from "./stats.js";

/** Where progress goes: a stream with an optional TTY flag and width. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A progress renderer: feed it the runner's events, call `end` when the run is over. */
export interface Progress {
  onEvent(event: BenchEvent): void;
  /** Clears the progress line. */
  end(): void;
}

function runs(n: number): string {
  return `${n} run${n === 1 ? "" : "s"}`;
}

function formatEta(ms: number | null): string {
  if (ms === null) return "ETA …";
  const s = Math.ceil(ms / 1000);
  return s >= 60 ? `ETA ${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `ETA ${s}s`;
}

function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}

/** Makes a progress renderer for `stream` (default: process.stderr). */
export function createProgress(stream: ProgressStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let drawn = false;
  const clear = (): void => {
    if (drawn) stream.write("\r\x1b[2K");
    drawn = false;
  };
  const draw = (text: string): void => {
    const width = Math.max(20, (stream.columns || 80) - 1);
    stream.write(`\r\x1b[2K${printable(text).slice(0, width)}`);
    drawn = true;
  };
  return {
    onEvent(event) {
      switch (event.type) {
        case "phase":
          if (tty) {
            clear();
            stream.write(`${printable(event.message)}\n`);
          }
          break;
        case "startup":
          if (tty) draw(`${event.cellId}: started in ${formatMs(event.ms)}`);
          break;
        case "run":
          if (tty) {
            const what = event.warmup ? "warm-up" : `run ${event.run}`;
            draw(
              `${progressBar(event.progress, 20)} ${event.task} ${Math.round(event.progress * 100)}% · ${event.cellId} ${what} ${formatMs(event.ms)} · ${formatEta(event.etaMs)}`,
            );
          }
          break;
        case "cell-done": {
          const { cell } = event;
          const summary =
            cell.samplesMs.length > 0
              ? `${runs(cell.samplesMs.length)}, median ${formatMs(median(cell.samplesMs))}`
              : "no runs";
          clear();
          // A cell's error is a task's own message: escaped, as everything outside on a terminal.
          const line = `${cell.id}: ${cell.status === "ok" ? summary : `${cell.status}${cell.error ? ` (${cell.error})` : ""}; ${summary}`}`;
          stream.write(`${printable(line)}\n`);
          break;
        }
        case "python-sample":
          if (event.run === event.of) {
            clear();
            stream.write(`${printable(`${event.cellId}: ${runs(event.of)}, last ${formatMs(event.ms)}`)}\n`);
          } else if (tty) draw(`python · ${event.cellId} run ${event.run}/${event.of} ${formatMs(event.ms)}`);
          break;
      }
    },
    end: clear,
  };
}
