// Helpers shared by the dev scripts (seed-demo.mjs, resilience/*.mjs, e2e.mjs,
// adoption/card.mjs); no dependencies.

/** mulberry32: a small, fast, deterministic random source in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** No display, no sandbox (containers run as root), no GPU. */
const CONTAINER_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu'];
/** Chromium's background services, off so that a run makes no traffic of its own. */
const DISABLED_SERVICES = ['background-networking', 'component-update', 'sync'];

/**
 * Options of playwright-core's chromium.launchPersistentContext for the browser scripts: the
 * system Chromium (or $CHROMIUM) with the flags above, at a desktop size, in English.
 */
export function chromiumLaunchOptions() {
  return {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      ...CONTAINER_FLAGS,
      ...DISABLED_SERVICES.map(service => `--disable-${service}`),
    ],
    viewport: { width: 1440, height: 1000 },
    locale: 'en-US',
  };
}
