/** The task module every example loads unchanged: plain exported functions. */
import { taskSignal } from "concur/task";

/** CPU-bound: the seed's silly loop over one company record. */
export function score(name: string, url: string, m = 99): number {
  const a = name.length * m;
  const b = url.length * m;
  let r = 0;
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) r = Math.max(r, i * (j / a));
  return r;
}

/** IO-bound: waits like a network call would, and stops early when cancelled. */
export function fakeRequest(ms: number): Promise<string> {
  const signal = taskSignal();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(`waited ${ms} ms`), ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
