/* eslint-disable no-console */
/**
 * Load generator for bench/run.ts, run as a child process so that autocannon does not share
 * the event loop (or the CPU time accounting) of the backend under test. Receives one job
 * over IPC: { base, paths, connections, duration, header }, rotates requests over `paths`,
 * and prints one JSON line with the latency percentiles in ms.
 */
/** autocannon (a root devDependency) ships no types; only what is used here. */
type AutocannonResult = {
  requests: { total: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
};
// A root devDependency (the brief allows no new dependency in this package).
// eslint-disable-next-line @typescript-eslint/no-require-imports, @backstage/no-undeclared-imports
const autocannon = require('autocannon') as (
  options: Record<string, unknown>,
) => Promise<AutocannonResult>;

type Job = {
  base: string;
  paths: string[];
  connections: number;
  duration: number;
  header: string;
};

// autocannon reports p50/p90/p97.5/p99 only; it accepts its own histogram, which gives p95.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hdr = require(require.resolve('hdr-histogram-js', {
  paths: [require.resolve('autocannon')],
}));

async function main() {
  const job = await new Promise<Job>(resolve =>
    process.once('message', m => resolve(m as Job)),
  );
  process.disconnect?.();
  const latencies = hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10000,
    numberOfSignificantValueDigits: 5,
  });
  let i = 0;
  const result = await autocannon({
    url: job.base,
    connections: job.connections,
    duration: job.duration,
    // As a browser asks: the overview (and catalog) bodies are served gzipped when accepted.
    headers: { authorization: job.header, 'accept-encoding': 'gzip' },
    histograms: { latencies },
    requests: [
      {
        setupRequest: (req: { path: string }) => {
          req.path = job.paths[i++ % job.paths.length];
          return req;
        },
      },
    ],
  });
  const non2xx = result.non2xx + result.errors + result.timeouts;
  console.log(
    JSON.stringify({
      requests: result.requests.total,
      non2xx,
      p50: latencies.getValueAtPercentile(50),
      p95: latencies.getValueAtPercentile(95),
      p99: latencies.getValueAtPercentile(99),
      rps: result.requests.average,
    }),
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
