// Codes seen by the camera in the last few seconds: the same code again
// within DEBOUNCE_MS is the same person still in front of the camera.

import { codeKey } from '../offline-queue.js';

const DEBOUNCE_MS = 3000; // same code again within this window: same person, ignore

/** Returns {isRepeat(text), forget(code)}. */
export function createRecentCodes() {
  const seen = new Map(); // codeKey -> last time seen (performance.now())

  function isRepeat(text) {
    const now = performance.now();
    for (const [k, t] of seen) if (now - t > DEBOUNCE_MS) seen.delete(k);
    const key = codeKey(text) || text;
    const last = seen.get(key);
    seen.set(key, now); // keep refreshing while the code stays in view
    return last !== undefined && now - last < DEBOUNCE_MS;
  }

  function forget(code) {
    seen.delete(codeKey(code) || code);
  }

  return { isRepeat, forget };
}
