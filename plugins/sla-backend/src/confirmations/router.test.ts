import { expectMatchesDocument } from '../schema/__testUtils__/expectMatchesDocument';
import {
  api,
  itAnswersNotFound,
  itEnforcesAuth,
} from '../__testUtils__/testBackend';
import { as, startBackend } from '../plans/__testUtils__/testBackend';

jest.setTimeout(60_000);

const PATH = '/entities/component/default/cad-core/confirmation';

describe('confirmation routes', () => {
  it('starts unconfirmed with the overdue review flagged', async () => {
    const { server } = await startBackend();
    const res = await api(server, as('nick')).get(PATH);
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
      const res = await api(server, as(user))
        .post(PATH)
        .send({ termsVersion: 1, comment: 'Agreed at the review meeting' });
      expect(res.status).toBe(201);
      expectMatchesDocument(res);
      expect(res.body).toMatchObject({
        termsVersion: 1,
        role,
        comment: 'Agreed at the review meeting',
      });
      const after = await api(server, as('nick')).get(PATH);
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
    const res = await api(server, as(user))
      .post(PATH)
      .send({ termsVersion: 1 });
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    const after = await api(server, as('nick')).get(PATH);
    expect(after.body.state).toBe('unconfirmed');
    expect(audits.filter(a => a.eventId === 'agreement-confirm')).toEqual([]);
  });

  it('asks for sla.terms.confirm on the entity', async () => {
    const { server, permissionCalls } = await startBackend();
    const res = await api(server, as('carl'))
      .post(PATH)
      .send({ termsVersion: 1 });
    expect(res.status).toBe(201);
    expect(
      permissionCalls.filter(c => c.permission === 'sla.terms.confirm'),
    ).toEqual([
      {
        permission: 'sla.terms.confirm',
        resourceRef: 'component:default/cad-core',
        user: 'user:default/carl',
      },
    ]);
  });

  it('answers 400 naming termsVersion for a version that is not in force', async () => {
    const { server } = await startBackend();
    const res = await api(server, as('olivia'))
      .post(PATH)
      .send({ termsVersion: 7 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'termsVersion: component:default/cad-core has no version 7',
    );
    const missing = await api(server, as('olivia')).post(PATH).send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('termsVersion: required');
    const typed = await api(server, as('olivia'))
      .post(PATH)
      .send({ termsVersion: '1' });
    expect(typed.body.error.message).toBe(
      'termsVersion: must be integer (got "1")',
    );
  });

  describe('an entity without an SLA', () => {
    itAnswersNotFound(
      [
        {
          method: 'get',
          path: '/entities/component/default/nope/confirmation',
        },
      ],
      async () => (await startBackend()).server,
      as('olivia'),
    );
  });

  describe('credentials', () => {
    itEnforcesAuth(
      [
        { method: 'get', path: PATH },
        {
          method: 'post',
          path: PATH,
          body: { termsVersion: 1 },
        },
      ],
      async () => (await startBackend({ denyAll: true })).server,
      as('olivia'),
    );
  });
});
