/* eslint-disable no-console */
/**
 * Requests a first PagerDuty sync makes (issue 14, item 7), counted against an in-process
 * msw stand-in of the vendor (src/providers/__testUtils__/pagerDutyVolume.ts: the fixture
 * shapes, ids and times changed). Prints, with and without the analytics endpoint, the
 * requests per endpoint and whether both runs stored the same incidents.
 *
 *   cd plugins/sla-backend
 *   node -r @backstage/cli/config/nodeTransform.cjs scripts/pagerduty-sync-volume.ts \
 *     [--incidents 100000] [--services 50] [--lag-hours 0] [--no-fallback]
 *
 * Incidents are spread over 90 days; one in 400 is missing from the analytics data and one in
 * 400 is stale there. `--lag-hours H` also leaves out of it every incident created in the
 * last H hours (PagerDuty documents up to 24).
 * `--no-fallback` skips the run without analytics (one log-entries request per changed
 * incident, the slow part).
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { Incident } from '@servicelevel/plugin-sla-common';
import { setupServer } from 'msw/node';
import { isDeepStrictEqual } from 'util';
import { PagerDutyProvider } from '../src/providers/PagerDutyProvider';
import {
  generatePagerDutySpecs,
  pagerDutyVolumeHandlers,
  VOLUME_FROM,
  VOLUME_TO,
} from '../src/providers/__testUtils__/pagerDutyVolume';

const BASE = 'https://api.pagerduty.com';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

async function syncOnce(
  incidents: number,
  services: number,
  analytics: 'ok' | 'forbidden',
  lagHours: number,
) {
  const specs = generatePagerDutySpecs(incidents, services, {
    lagMs: lagHours * 3_600_000,
  });
  const { handlers, counts } = pagerDutyVolumeHandlers(BASE, specs, {
    analytics,
  });
  const server = setupServer(...handlers);
  server.listen({ onUnhandledRequest: 'error' });
  const provider = PagerDutyProvider.fromConfig(
    new ConfigReader({
      sla: { providers: { pagerduty: { token: 'volume' } } },
    }),
  )!;
  const entities = Array.from({ length: services }, (_, i) => ({
    entityRef: `component:default/svc-${i}`,
    annotations: {
      'pagerduty.com/service-id': `PSVC${String(i).padStart(4, '0')}`,
    },
  }));
  const warnings: string[] = [];
  const logger: LoggerService = {
    error: () => {},
    warn: message => void warnings.push(message),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  const stored: Incident[] = [];
  const started = process.hrtime.bigint();
  try {
    for await (const page of provider.sync({
      account: 'default',
      since: VOLUME_FROM,
      until: VOLUME_TO,
      entities,
      signal: new AbortController().signal,
      logger,
    })) {
      stored.push(...page.incidents);
    }
  } finally {
    server.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { stored, counts, seconds, warnings };
}

async function main() {
  const incidents = arg('incidents', 100_000);
  const services = arg('services', 50);
  const lagHours = arg('lag-hours', 0);
  const fallback = !process.argv.includes('--no-fallback');
  console.log(
    `PagerDuty first sync: ${incidents.toLocaleString(
      'en',
    )} incidents, ${services} services, analytics lag ${lagHours} h`,
  );
  const runs: Array<[string, 'ok' | 'forbidden']> = [['with analytics', 'ok']];
  if (fallback) runs.push(['without analytics (403)', 'forbidden']);
  const results = [];
  for (const [label, analytics] of runs) {
    const r = await syncOnce(incidents, services, analytics, lagHours);
    const { counts } = r;
    const total =
      counts.incidents +
      counts.analytics +
      counts.accountLogEntries +
      counts.logEntries;
    console.log(
      `${label.padEnd(24)} requests ${total.toLocaleString('en')} ` +
        `(incidents ${counts.incidents}, analytics ${counts.analytics}, ` +
        `account log entries ${counts.accountLogEntries}, ` +
        `incident log entries ${counts.logEntries}); stored ${r.stored.length}; ` +
        `${r.seconds.toFixed(1)} s in process`,
    );
    for (const w of r.warnings) console.log(`  warning: ${w}`);
    results.push(r);
  }
  if (results.length === 2) {
    const same = isDeepStrictEqual(results[0].stored, results[1].stored);
    console.log(`same stored incidents with and without analytics: ${same}`);
    if (!same) process.exitCode = 1;
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
