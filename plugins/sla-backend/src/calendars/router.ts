import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  CalendarConfig,
  slaReadPermission,
} from '@servicelevel/plugin-sla-common';
import express from 'express';
import Router from 'express-promise-router';
import { createAuthorize } from '../service/authorize';
import { calendarToIcs } from './icsOut';

/** Where the router finds a resolved calendar by name ({@link CalendarSources} is one). */
export interface CalendarLookup {
  getCalendar(name: string): CalendarConfig | undefined;
}

export interface CalendarsRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  calendars: CalendarLookup;
  now?: () => number;
}

/**
 * `GET /calendars/{name}.ics`: a named calendar, resolved from its sources, as iCalendar
 * for subscribing (holidays, make-up workdays, part-day closures, weekly working hours).
 */
export function createCalendarsRouter(
  options: CalendarsRouterOptions,
): express.Router {
  const { calendars } = options;
  const now = options.now ?? (() => Date.now());
  const authorize = createAuthorize(options);
  // Mounted in createValidatedRouter (plugin.ts): requests arrive validated.
  const router = Router();

  router.get('/calendars/:name.ics', async (req, res) => {
    await authorize(req, slaReadPermission);
    const name = req.params.name;
    const cal = calendars.getCalendar(name);
    if (!cal) {
      throw new NotFoundError(`No calendar "${name}" under sla.calendars`);
    }
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Content-Disposition', `inline; filename="${name}.ics"`);
    res.send(calendarToIcs(name, cal, { now: now() }));
  });

  return router;
}
