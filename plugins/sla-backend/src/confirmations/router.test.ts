import request from 'supertest';
import { expectMatchesDocument } from '../schema/__testUtils__/expectMatchesDocument';
import { as, startBackend } from '../plans/__testUtils__/testBackend';

jest.setTimeout(60_000);

const URL = '/api/sla/entities/component/default/cad-core/confirmation';

describe('confirmation routes', () => {
  it('starts unconfirmed with the overdue review flagged', async () => {
    const { server } = await startBackend();
    const res = await request(server).get(URL).set('Authorization', as('nick'));
    expect(res.status).toBe(200);
    expectMatchesDocument(res);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/cad-core',
      termsVersion: 1,
      state: 'unconfirmed',
      confirmations: [],
      review: { state: 'overdue', reviewBy: '2020-01-06' },
    });
  });

  it.each([
    ['olivia', 'owner'],
    ['carl', 'customer'],
  ] as const)(
    'permission matrix: %s confirms as %s → 201',
    async (user, role) => {
      const { server, audits } = await startBackend();
      const res = await request(server)
        .post(URL)
        .set('Authorization', as(user))
        .send({ termsVersion: 1, comment: 'Agreed at the review meeting' });
      expect(res.status).toBe(201);
      expectMatchesDocument(res);
      expect(res.body).toMatchObject({
        termsVersion: 1,
        role,
        comment: 'Agreed at the review meeting',
      });
      const after = await request(server)
        .get(URL)
        .set('Authorization', as('nick'));
      expectMatchesDocument(after);
      expect(after.body.state).toBe('confirmed');
      expect(after.body.lastConfirmation).toMatchObject({
        by: `user:default/${user}`,
        role,
      });
      expect(audits).toContainEqual({
        eventId: 'agreement-confirm',
        outcome: 'success',
      });
    },
  );

  it.each([
    ['nick (owns another entity)', 'nick'],
    ['mona (plan manager, neither owner nor customer)', 'mona'],
  ] as const)('permission matrix: %s → 403', async (_label, user) => {
    const { server, audits } = await startBackend();
    const res = await request(server)
      .post(URL)
      .set('Authorization', as(user))
      .send({ termsVersion: 1 });
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    const after = await request(server)
      .get(URL)
      .set('Authorization', as('nick'));
    expect(after.body.state).toBe('unconfirmed');
    expect(audits.filter(a => a.eventId === 'agreement-confirm')).toEqual([]);
  });

  it('answers 400 naming termsVersion for a version that is not in force', async () => {
    const { server } = await startBackend();
    const res = await request(server)
      .post(URL)
      .set('Authorization', as('olivia'))
      .send({ termsVersion: 7 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'termsVersion: component:default/cad-core has no version 7',
    );
    const missing = await request(server)
      .post(URL)
      .set('Authorization', as('olivia'))
      .send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('termsVersion: required');
    const typed = await request(server)
      .post(URL)
      .set('Authorization', as('olivia'))
      .send({ termsVersion: '1' });
    expect(typed.body.error.message).toBe(
      'termsVersion: must be integer (got "1")',
    );
  });

  it('answers 401, 403 when the policy denies, and 404 for an entity without an SLA', async () => {
    const { server } = await startBackend();
    expect((await request(server).get(URL)).status).toBe(401);
    expect(
      (await request(server).post(URL).send({ termsVersion: 1 })).status,
    ).toBe(401);
    expect(
      (
        await request(server)
          .get('/api/sla/entities/component/default/nope/confirmation')
          .set('Authorization', as('olivia'))
      ).status,
    ).toBe(404);
    const denied = await startBackend({ denyAll: true });
    expect(
      (await request(denied.server).get(URL).set('Authorization', as('olivia')))
        .status,
    ).toBe(403);
    expect(
      (
        await request(denied.server)
          .post(URL)
          .set('Authorization', as('olivia'))
          .send({ termsVersion: 1 })
      ).status,
    ).toBe(403);
  });
});
