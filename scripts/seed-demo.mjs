#!/usr/bin/env node
// Dev-only demo seeding: generates about a year of plausible incidents for the demo catalog
// in examples/ and pushes them through the plugin's real ingestion API (POST /incidents),
// authenticated with the demo's static token from app-config.yaml. It writes raw incident
// timelines only; every SLA figure the portal shows is computed by the backend.
//
// Deterministic (fixed PRNG seed, stable ids), so re-running it updates rather than
// duplicates. Usage: node scripts/seed-demo.mjs [--base http://localhost:7007] [--wait 300]

import { prng } from './lib.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const BASE = arg('base', process.env.SLA_BASE_URL ?? 'http://localhost:7007');
const TOKEN = process.env.SLA_DEMO_TOKEN ?? 'sla-demo-seed-token-local-only';
const WAIT_SECONDS = Number(arg('wait', '300'));

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Log-uniform duration between lo and hi: many quick fixes, a long tail. */
const between = (rand, lo, hi) =>
  Math.round(Math.exp(Math.log(lo) + rand() * (Math.log(hi) - Math.log(lo))));

// Per service: where its incidents come from, how many per month, and the priority mix.
const SERVICES = [
  {
    name: 'cad-core',
    source: 'pagerduty',
    prefix: 'Q1CAD',
    perMonth: 5,
    mix: [0.12, 0.3, 0.4, 0.18],
  },
  {
    name: 'call-intake',
    source: 'pagerduty',
    prefix: 'Q2CALL',
    perMonth: 3,
    mix: [0.1, 0.3, 0.4, 0.2],
  },
  {
    name: 'gis-routing',
    source: 'servicenow',
    prefix: 'INC00',
    perMonth: 6,
    mix: [0.05, 0.3, 0.45, 0.2],
  },
  {
    name: 'radio-gateway',
    source: 'api',
    prefix: 'RGW',
    perMonth: 2,
    mix: [0.25, 0.35, 0.3, 0.1],
  },
  {
    name: 'unit-tracker',
    source: 'api',
    prefix: 'UT',
    perMonth: 4,
    mix: [0.05, 0.25, 0.45, 0.25],
  },
  {
    name: 'mobile-terminal-api',
    source: 'servicenow',
    prefix: 'INC01',
    perMonth: 5,
    mix: [0.05, 0.25, 0.45, 0.25],
  },
  {
    name: 'citizen-portal',
    source: 'api',
    prefix: 'WEB',
    perMonth: 4,
    mix: [0.05, 0.2, 0.45, 0.3],
  },
  {
    name: 'appointment-booking',
    source: 'jira',
    prefix: 'BOOK',
    perMonth: 6,
    mix: [0.03, 0.2, 0.5, 0.27],
  },
  {
    name: 'notification-service',
    source: 'opsgenie',
    prefix: 'OG',
    perMonth: 4,
    mix: [0.08, 0.3, 0.4, 0.22],
  },
  {
    // Tickets from Beijing and New York: each is clocked on its region's calendar.
    name: 'field-support-desk',
    source: 'api',
    prefix: 'FSD',
    perMonth: 4,
    mix: [0.05, 0.25, 0.45, 0.25],
    regions: ['cn', 'cn', 'us'],
  },
  {
    name: 'reporting-warehouse',
    source: 'api',
    prefix: 'DWH',
    perMonth: 3,
    mix: [0.0, 0.2, 0.5, 0.3],
  },
];

const TITLES = {
  P1: [
    'Service unavailable for all dispatchers',
    'Database failover did not complete',
    'Total loss of connectivity to data centre',
  ],
  P2: [
    'Severe latency on main transactions',
    'Intermittent 5xx errors',
    'Queue backlog growing',
  ],
  P3: [
    'Report export fails for one region',
    'Map tiles missing at high zoom',
    'Slow search results',
  ],
  P4: [
    'Typo in notification template',
    'Cosmetic issue in the console',
    'Request for a new user role',
  ],
};
// Time to first response and to resolution, per priority: [lo, hi].
const ACK = {
  P1: [2 * MIN, 25 * MIN],
  P2: [4 * MIN, 50 * MIN],
  P3: [15 * MIN, 6 * HOUR],
  P4: [1 * HOUR, 2 * DAY],
};
const FIX = {
  P1: [40 * MIN, 5 * HOUR],
  P2: [1 * HOUR, 12 * HOUR],
  P3: [3 * HOUR, 4 * DAY],
  P4: [1 * DAY, 9 * DAY],
};

function pickPriority(rand, mix) {
  let x = rand();
  for (let i = 0; i < mix.length; i++) {
    if ((x -= mix[i]) < 0) return `P${i + 1}`;
  }
  return 'P4';
}

const iso = t => new Date(t).toISOString();

export function generate(now = Date.now()) {
  const start = Date.parse('2025-12-01T00:00:00+08:00');
  const incidents = [];
  for (const [s, svc] of SERVICES.entries()) {
    const rand = prng(1000 + s);
    let t = start;
    let n = 0;
    for (;;) {
      // Poisson arrivals at perMonth per 30 days.
      t += Math.round((-Math.log(1 - rand()) * 30 * DAY) / svc.perMonth);
      if (t >= now) break;
      n++;
      const priority = pickPriority(rand, svc.mix);
      const titles = TITLES[priority];
      const createdAt = t;
      const ack = createdAt + between(rand, ...ACK[priority]);
      const fix = ack + between(rand, ...FIX[priority]);
      const incident = {
        source: svc.source,
        id: `${svc.prefix}-${String(n).padStart(4, '0')}`,
        entityRef: `component:default/${svc.name}`,
        title: titles[Math.floor(rand() * titles.length)],
        priority,
        createdAt: iso(createdAt),
        pauses: [],
      };
      if (svc.regions) {
        incident.region = svc.regions[Math.floor(rand() * svc.regions.length)];
      }
      if (ack <= now) incident.acknowledgedAt = iso(ack);
      if (fix <= now) incident.resolvedAt = iso(fix);
      // P3/P4 tickets sometimes wait for the customer overnight: the clock stops.
      if ((priority === 'P3' || priority === 'P4') && rand() < 0.25) {
        const pStart = ack + between(rand, 10 * MIN, 3 * HOUR);
        const pEnd = pStart + between(rand, 2 * HOUR, 20 * HOUR);
        if (pEnd < fix && pEnd <= now)
          incident.pauses.push({ start: iso(pStart), end: iso(pEnd) });
      }
      // P1s take the service down; some P2s degrade it.
      if (priority === 'P1' || (priority === 'P2' && rand() < 0.35)) {
        const oStart = createdAt - between(rand, 1 * MIN, 10 * MIN);
        const oEnd =
          oStart +
          between(rand, 4 * MIN, priority === 'P1' ? 100 * MIN : 40 * MIN);
        incident.outage = {
          start: iso(oStart),
          impact: priority === 'P1' || rand() < 0.5 ? 'down' : 'degraded',
        };
        if (oEnd <= now) incident.outage.end = iso(oEnd);
      }
      incidents.push(incident);
    }
  }

  // Named situations the demo should show.
  // Last month (Asia/Shanghai) radio-gateway was down for 3 h: availability under 99.9 % and
  // the 2 h max-outage breached, so it owes service credits (examples/entities.yaml).
  const local = new Date(now + 8 * HOUR);
  const last = new Date(
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 10),
  );
  const lastMonth = last.toISOString().slice(0, 7);
  if (Date.parse(`${lastMonth}-10T12:30:00+08:00`) <= now) {
    incidents.push({
      source: 'api',
      id: `RGW-CREDIT-${lastMonth}`,
      entityRef: 'component:default/radio-gateway',
      title: 'Radio bridge down after a failed switch-over',
      priority: 'P1',
      createdAt: `${lastMonth}-10T09:12:00+08:00`,
      acknowledgedAt: `${lastMonth}-10T09:20:00+08:00`,
      resolvedAt: `${lastMonth}-10T12:30:00+08:00`,
      pauses: [],
      outage: {
        start: `${lastMonth}-10T09:10:00+08:00`,
        end: `${lastMonth}-10T12:10:00+08:00`,
        impact: 'down',
      },
    });
  }
  // Last month the supplier's SMS gateway was down 90 minutes; notification-service (99.9 %)
  // went down with it for 70 of them: a breach the dependency chain attributes to the gateway.
  if (Date.parse(`${lastMonth}-17T16:00:00+08:00`) <= now) {
    incidents.push(
      {
        source: 'api',
        id: `SMSGW-${lastMonth}`,
        entityRef: 'resource:default/sms-gateway',
        title: 'SMSCo gateway rejects all submissions',
        priority: 'P1',
        createdAt: `${lastMonth}-17T14:05:00+08:00`,
        acknowledgedAt: `${lastMonth}-17T14:20:00+08:00`,
        resolvedAt: `${lastMonth}-17T15:35:00+08:00`,
        pauses: [],
        outage: {
          start: `${lastMonth}-17T14:00:00+08:00`,
          end: `${lastMonth}-17T15:30:00+08:00`,
          impact: 'down',
        },
      },
      {
        source: 'api',
        id: `NOTIFY-SMS-${lastMonth}`,
        entityRef: 'component:default/notification-service',
        title: 'No SMS alerts delivered to citizens',
        priority: 'P1',
        createdAt: `${lastMonth}-17T14:12:00+08:00`,
        acknowledgedAt: `${lastMonth}-17T14:18:00+08:00`,
        resolvedAt: `${lastMonth}-17T15:40:00+08:00`,
        pauses: [],
        outage: {
          start: `${lastMonth}-17T14:10:00+08:00`,
          end: `${lastMonth}-17T15:20:00+08:00`,
          impact: 'down',
        },
      },
    );
  }
  // field-support-desk is clocked per region (calendar:by-region): the same Thursday, China's
  // National Day, stops a cn ticket's clock and not a us one's; Thanksgiving the other way.
  const desk = (id, region, priority, title, createdAt, ack, resolved) => ({
    source: 'api',
    id,
    entityRef: 'component:default/field-support-desk',
    title,
    priority,
    region,
    createdAt,
    acknowledgedAt: ack,
    resolvedAt: resolved,
    pauses: [],
  });
  incidents.push(
    desk(
      'FSD-NATIONAL-DAY-CN',
      'cn',
      'P3',
      'Terminal login fails for one brigade',
      '2026-10-01T10:00:00+08:00',
      '2026-10-01T10:20:00+08:00',
      '2026-10-08T11:00:00+08:00',
    ),
    desk(
      'FSD-NATIONAL-DAY-US',
      'us',
      'P3',
      'Radio pairing lost after firmware update',
      '2026-10-01T09:00:00-04:00',
      '2026-10-01T09:30:00-04:00',
      '2026-10-01T15:00:00-04:00',
    ),
    desk(
      'FSD-THANKSGIVING-US',
      'us',
      'P2',
      'Vehicle terminals show stale unit status',
      '2026-11-26T10:00:00-05:00',
      '2026-11-27T08:20:00-05:00',
      '2026-11-27T11:00:00-05:00',
    ),
    desk(
      'FSD-THANKSGIVING-CN',
      'cn',
      'P2',
      'Map layer for the eastern district missing',
      '2026-11-26T10:00:00+08:00',
      '2026-11-26T11:30:00+08:00',
      '2026-11-26T17:00:00+08:00',
    ),
  );
  incidents.push(
    {
      // the worked example in ENGINE.md: the clock runs through the make-up workday Sunday 2026-09-20.
      source: 'servicenow',
      id: 'INC0099001',
      entityRef: 'component:default/gis-routing',
      title: 'Route calculation times out for the northern district',
      priority: 'P2',
      createdAt: '2026-09-18T17:30:00+08:00',
      acknowledgedAt: '2026-09-19T10:00:00+08:00',
      resolvedAt: '2026-09-21T10:00:00+08:00',
      pauses: [],
    },
    {
      // Planned firmware upgrade inside the maintenance window: not downtime.
      source: 'api',
      id: 'RGW-PLANNED-2026-10',
      entityRef: 'component:default/radio-gateway',
      title: 'Planned firmware upgrade of the radio bridge',
      priority: 'P4',
      createdAt: '2026-10-11T02:00:00+08:00',
      acknowledgedAt: '2026-10-11T02:00:00+08:00',
      resolvedAt: '2026-10-11T03:30:00+08:00',
      pauses: [],
      outage: {
        start: '2026-10-11T02:05:00+08:00',
        end: '2026-10-11T03:20:00+08:00',
        planned: true,
      },
    },
    {
      // A long outage that breaks radio-gateway's max-outage and availability in August.
      source: 'api',
      id: 'RGW-MAJOR-2026-08',
      entityRef: 'component:default/radio-gateway',
      title: 'Trunked radio bridge lost after power failure',
      priority: 'P1',
      createdAt: '2026-08-14T21:12:00+08:00',
      acknowledgedAt: '2026-08-14T21:20:00+08:00',
      resolvedAt: '2026-08-15T00:05:00+08:00',
      pauses: [],
      outage: {
        start: '2026-08-14T21:05:00+08:00',
        end: '2026-08-14T23:58:00+08:00',
        impact: 'down',
      },
    },
  );
  return incidents;
}

async function waitForBackend() {
  const deadline = Date.now() + WAIT_SECONDS * 1000;
  for (;;) {
    try {
      const res = await fetch(`${BASE}/api/sla/health`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(
        `${BASE}/api/sla/health did not answer within ${WAIT_SECONDS}s`,
      );
    await new Promise(r => setTimeout(r, 2000));
  }
}

async function main() {
  await waitForBackend();
  const incidents = generate();
  let inserted = 0;
  let updated = 0;
  for (let i = 0; i < incidents.length; i += 500) {
    const res = await fetch(`${BASE}/api/sla/incidents`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${TOKEN}`,
      },
      body: JSON.stringify({ incidents: incidents.slice(i, i + 500) }),
    });
    const body = await res.json();
    if (!res.ok)
      throw new Error(
        `POST /incidents answered ${res.status}: ${JSON.stringify(body)}`,
      );
    inserted += body.inserted;
    updated += body.updated;
  }
  console.log(
    `[sla-demo] seeded ${incidents.length} incidents through POST /api/sla/incidents (${inserted} new, ${updated} updated)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch(e => {
    console.error(`[sla-demo] seeding failed: ${e.message}`);
    process.exit(1);
  });
}
