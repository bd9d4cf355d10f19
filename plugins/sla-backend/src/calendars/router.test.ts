import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { readSlaConfig } from '@servicelevel/plugin-sla-common';
import ICAL from 'ical.js';
import request from 'supertest';
import { CN_OFFICIAL_WORKDAYS } from '../__testUtils__/slaConfig';
import { CalendarSources } from './CalendarSources';
import { parseIcsDays } from './ics';
import { createCalendarsRouter } from './router';
import { createValidatedRouter } from '../schema/validatedRouter';

jest.setTimeout(60_000);

const NOW = Date.parse('2026-09-01T00:00:00Z');

const SLA = {
  calendars: {
    'cn-workdays': {
      ...CN_OFFICIAL_WORKDAYS,
      closures: { '2026-12-31': '13:30-18:00' },
    },
  },
};

async function startBackend(options: { denyAll?: boolean } = {}) {
  const { config } = readSlaConfig(SLA);
  const calendars = await CalendarSources.create({
    rawSla: SLA,
    slaConfig: config,
    now: NOW,
  });
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(() => ({
        result: options.denyAll ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      })) as never,
  });
  // Only the calendars routes, behind the one validated router as plugin.ts mounts them.
  const plugin = createBackendPlugin({
    pluginId: 'sla',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          permissions: coreServices.permissions,
        },
        async init({ httpRouter, httpAuth, permissions: perms }) {
          httpRouter.use(
            createValidatedRouter(
              createCalendarsRouter({
                httpAuth,
                permissions: perms,
                calendars,
                now: () => NOW,
              }),
            ),
          );
        },
      });
    },
  });
  const { server } = await startTestBackend({
    features: [
      plugin,
      permissions.factory,
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
    ],
  });
  return { server, calendars };
}

const ICS = '/api/sla/calendars/cn-workdays.ics';
const user = mockCredentials.user.header('user:default/carl');

describe('GET /calendars/{name}.ics', () => {
  it('publishes the resolved calendar, which parses back into the same dates', async () => {
    const { server, calendars } = await startBackend();
    const res = await request(server).get(ICS).set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'inline; filename="cn-workdays.ics"',
    );

    const resolved = calendars.getCalendar('cn-workdays')!;
    expect(resolved.workdays).toContain('2026-09-20');
    const back = parseIcsDays(res.text, 'Asia/Shanghai', {
      from: 2024,
      to: 2027,
    });
    expect(back.holidays).toEqual(resolved.holidays);
    expect(back.workdays).toEqual(resolved.workdays);
    expect(back.closures).toEqual({ '2026-12-31': [[810, 1080]] });
    expect(back.closures).toEqual(resolved.closures);

    // The working hours: one weekly event per span, Monday to Friday, in the calendar's
    // zone, without the holidays and with the make-up days.
    const root = new ICAL.Component(ICAL.parse(res.text) as unknown[]);
    expect(
      root.getFirstSubcomponent('vtimezone')!.getFirstPropertyValue('tzid'),
    ).toBe('Asia/Shanghai');
    const hours = root
      .getAllSubcomponents('vevent')
      .map(v => new ICAL.Event(v))
      .filter(e => e.isRecurring());
    expect(hours.map(e => e.summary)).toEqual([
      'Working hours: SLA clock runs',
      'Working hours: SLA clock runs',
    ]);
    const morning = hours[0];
    expect(String(morning.component.getFirstPropertyValue('rrule'))).toBe(
      'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    );
    const it = morning.iterator();
    const occurrences: string[] = [];
    for (let next = it.next(); next; next = it.next()) {
      if (next.year > 2026 || (next.year === 2026 && next.month > 10)) break;
      if (next.year === 2026 && next.month >= 9) {
        occurrences.push(next.toString().slice(0, 10));
      }
    }
    // The make-up Sunday 20 September is in, the National Day week is out.
    expect(occurrences).toContain('2026-09-20');
    expect(occurrences).not.toContain('2026-10-01');
    expect(occurrences).toContain('2026-10-10');
    const start = morning.startDate;
    expect([start.hour, start.minute]).toEqual([9, 0]);
    expect(
      morning.component.getFirstProperty('dtstart')!.getParameter('tzid'),
    ).toBe('Asia/Shanghai');
  });

  it('answers 401 without credentials, 403 when denied, 400 for a bad name and 404 for an unknown calendar', async () => {
    const { server } = await startBackend();
    expect((await request(server).get(ICS)).status).toBe(401);

    const bad = await request(server)
      .get('/api/sla/calendars/bad%20name!.ics')
      .set('Authorization', user);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('name: must match pattern');

    const unknown = await request(server)
      .get('/api/sla/calendars/ny-support.ics')
      .set('Authorization', user);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'No calendar "ny-support" under sla.calendars',
    );

    const denied = await startBackend({ denyAll: true });
    const res = await request(denied.server)
      .get(ICS)
      .set('Authorization', user);
    expect(res.status).toBe(403);
  });
});
