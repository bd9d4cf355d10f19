import { expectMatchesDocument } from '../schema/__testUtils__/expectMatchesDocument';
import {
  api,
  itAnswersNotFound,
  itEnforcesAuth,
} from '../__testUtils__/testBackend';
import { as, CAD, GIS, startBackend } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const NEW_PLAN = {
  entityRef: CAD,
  title: 'Faster P1 response',
  description: 'P1 response breached in September',
  origin: { type: 'breach', objective: 'response-time:P1', period: '2026-09' },
  owner: 'group:default/dispatch-platform',
  targetDate: '2099-12-31',
  actions: [
    { title: 'Second on-call engineer', assignee: 'user:default/olivia' },
  ],
};

type Server = Awaited<ReturnType<typeof startBackend>>['server'];

async function createPlan(
  server: Server,
  body: Record<string, unknown> = NEW_PLAN,
  user: Parameters<typeof as>[0] = 'olivia',
) {
  const res = await api(server, as(user)).post('/plans').send(body);
  expect(res.status).toBe(201);
  expectMatchesDocument(res);
  return res.body;
}

/** `user`'s `POST /plans` of `body` to a fresh backend, whatever the answer. */
async function postToFreshBackend(
  body: Record<string, unknown>,
  user: Parameters<typeof as>[0],
) {
  const backend = await startBackend();
  const res = await api(backend.server, as(user)).post('/plans').send(body);
  return { ...backend, res };
}

describe('plans routes', () => {
  describe('POST /plans', () => {
    it('creates a proposed plan, with history, and audits it', async () => {
      const { server, audits } = await startBackend();
      const plan = await createPlan(server);

      expect(plan).toMatchObject({
        entityRef: CAD,
        status: 'proposed',
        owner: 'group:default/dispatch-platform',
        addresses: [{ objective: 'response-time:P1', period: '2026-09' }],
        createdBy: 'user:default/olivia',
        overdue: false,
        actions: [{ title: 'Second on-call engineer', done: false }],
      });
      expect(audits).toContainEqual({
        eventId: 'plan-create',
        outcome: 'success',
      });

      const read = await api(server, as('nick')).get(`/plans/${plan.id}`);
      expect(read.status).toBe(200);
      expectMatchesDocument(read);
      expect(read.body.history).toEqual([
        expect.objectContaining({
          seq: 1,
          kind: 'created',
          by: 'user:default/olivia',
        }),
      ]);
    });

    it('answers 400 naming the field', async () => {
      const { res } = await postToFreshBackend(
        { ...NEW_PLAN, targetDate: '31/12/2026' },
        'olivia',
      );
      expect(res.status).toBe(400);
      expectMatchesDocument(res);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toBe(
        'targetDate: must match format "date" (got "31/12/2026")',
      );
    });

    it('answers 400 naming a rule the document cannot express', async () => {
      const { res } = await postToFreshBackend(
        { ...NEW_PLAN, title: '   ', colour: 'red' },
        'olivia',
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        '2 problems:\ntitle: must not be empty\ncolour: unknown field',
      );
    });

    it('answers 413 to a body over 1 MB, however valid', async () => {
      const { res, audits } = await postToFreshBackend(
        { ...NEW_PLAN, description: 'x'.repeat(3 * 1024 * 1024) },
        'olivia',
      );
      expect(res.status).toBe(413);
      expectMatchesDocument(res);
      expect(audits).toEqual([]);
    });

    it('answers 400 for an entity without an SLA, even to a manager', async () => {
      const { res } = await postToFreshBackend(
        { ...NEW_PLAN, entityRef: 'component:default/unknown' },
        'mona',
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('entityRef:');
    });

    it.each([
      ['olivia (owner of cad-core)', 'olivia'],
      ['mona (manager)', 'mona'],
    ] as const)('permission matrix: %s → 201', async (_label, user) => {
      const { res, audits } = await postToFreshBackend(NEW_PLAN, user);
      expect(res.status).toBe(201);
      expect(res.body.createdBy).toBe(`user:default/${user}`);
      expect(audits).toEqual([{ eventId: 'plan-create', outcome: 'success' }]);
    });

    it.each([
      ['nick (owns another entity only)', 'nick'],
      ['carl (customer, not owner)', 'carl'],
    ] as const)('permission matrix: %s → 403', async (_label, user) => {
      const { res, audits, server } = await postToFreshBackend(NEW_PLAN, user);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      expect(audits).toEqual([]);
      const list = await api(server, as(user)).get('/plans');
      expect(list.body.items).toEqual([]);
    });
  });

  describe('GET /plans', () => {
    it('filters by entity, owner, status and overdue', async () => {
      const { server } = await startBackend();
      const a = await createPlan(server);
      const b = await createPlan(
        server,
        {
          ...NEW_PLAN,
          entityRef: GIS,
          owner: 'group:default/field-ops',
          targetDate: '2026-01-31',
          origin: { type: 'survey', score: 2, scale: 5 },
        },
        'nick',
      );
      const list = async (query: string) => {
        const res = await api(server, as('carl')).get(`/plans${query}`);
        expect(res.status).toBe(200);
        expectMatchesDocument(res);
        return res.body.items.map((p: { id: string }) => p.id);
      };
      expect((await list('')).sort()).toEqual([a.id, b.id].sort());
      expect(await list(`?entity=${encodeURIComponent(GIS)}`)).toEqual([b.id]);
      expect(await list('?owner=group:default/dispatch-platform')).toEqual([
        a.id,
      ]);
      expect(await list('?overdue=true')).toEqual([b.id]);
      expect(await list('?overdue=false')).toEqual([a.id]);
      expect((await list('?status=proposed,approved')).sort()).toEqual(
        [a.id, b.id].sort(),
      );
      expect(await list('?status=done')).toEqual([]);
    });

    it('answers 400 naming the filter', async () => {
      const { server } = await startBackend();
      const status = await api(server, as('olivia')).get(
        '/plans?status=finished',
      );
      expect(status.status).toBe(400);
      expect(status.body.error.message).toMatch(/^status: "finished" — /);
      const overdue = await api(server, as('olivia')).get('/plans?overdue=yes');
      expect(overdue.status).toBe(400);
      expect(overdue.body.error.message).toBe(
        'overdue: must be boolean (got "yes")',
      );
    });
  });

  describe('PATCH /plans/{id}', () => {
    it('tracks a plan to done: approve, start, finish an action, done — each change in the history', async () => {
      const { server, audits } = await startBackend();
      const plan = await createPlan(server);
      const patch = (
        body: Record<string, unknown>,
        user: Parameters<typeof as>[0] = 'olivia',
      ) => api(server, as(user)).patch(`/plans/${plan.id}`).send(body);

      expect((await patch({ status: 'approved' }, 'mona')).status).toBe(200);
      expect((await patch({ status: 'in-progress' })).status).toBe(200);
      const actionId = plan.actions[0].id;
      const done = await patch({
        actions: [{ ...plan.actions[0], done: true }],
      });
      expect(done.status).toBe(200);
      expectMatchesDocument(done);
      expect(done.body.actions[0]).toMatchObject({
        id: actionId,
        done: true,
        doneAt: expect.any(Number),
      });
      const finished = await patch({ status: 'done' });
      expect(finished.body.status).toBe('done');

      const history = (await api(server, as('carl')).get(`/plans/${plan.id}`))
        .body.history;
      expect(
        history.map((h: { by: string; changes: unknown[] }) => [
          h.by,
          h.changes,
        ]),
      ).toEqual([
        ['user:default/olivia', []],
        [
          'user:default/mona',
          [{ field: 'status', from: 'proposed', to: 'approved' }],
        ],
        [
          'user:default/olivia',
          [{ field: 'status', from: 'approved', to: 'in-progress' }],
        ],
        [
          'user:default/olivia',
          [{ field: `actions[${actionId}].done`, from: false, to: true }],
        ],
        [
          'user:default/olivia',
          [{ field: 'status', from: 'in-progress', to: 'done' }],
        ],
      ]);
      expect(audits.filter(a => a.eventId === 'plan-update')).toHaveLength(4);
    });

    it('answers 400 for a transition that skips a step, naming status', async () => {
      const { server } = await startBackend();
      const plan = await createPlan(server);
      const res = await api(server, as('olivia'))
        .patch(`/plans/${plan.id}`)
        .send({ status: 'done' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'status: cannot go from proposed to done; allowed: approved, dropped',
      );
    });

    it.each([
      ['olivia', 200],
      ['mona', 200],
      ['nick', 403],
      ['carl', 403],
    ] as const)('permission matrix: %s → %s', async (user, status) => {
      const { server } = await startBackend();
      const plan = await createPlan(server);
      const res = await api(server, as(user))
        .patch(`/plans/${plan.id}`)
        .send({ title: 'Renamed' });
      expect(res.status).toBe(status);
      const after = await api(server, as('carl')).get(`/plans/${plan.id}`);
      expect(after.body.title).toBe(
        status === 200 ? 'Renamed' : 'Faster P1 response',
      );
    });
  });

  describe('DELETE /plans/{id}', () => {
    it.each([
      ['olivia', 204],
      ['mona', 204],
      ['nick', 403],
      ['carl', 403],
    ] as const)('permission matrix: %s → %s', async (user, status) => {
      const { server, audits } = await startBackend();
      const plan = await createPlan(server);
      const res = await api(server, as(user)).delete(`/plans/${plan.id}`);
      expect(res.status).toBe(status);
      expectMatchesDocument(res);
      const after = await api(server, as('olivia')).get(`/plans/${plan.id}`);
      expect(after.status).toBe(status === 204 ? 404 : 200);
      expect(audits.filter(a => a.eventId === 'plan-delete')).toEqual(
        status === 204 ? [{ eventId: 'plan-delete', outcome: 'success' }] : [],
      );
    });
  });

  describe('resource permissions', () => {
    it("asks for sla.plan.create, update and delete on the plan's entity", async () => {
      const { server, permissionCalls } = await startBackend();
      const plan = await createPlan(
        server,
        { ...NEW_PLAN, entityRef: GIS, owner: 'group:default/field-ops' },
        'nick',
      );
      const patch = await api(server, as('olivia'))
        .patch(`/plans/${plan.id}`)
        .send({ title: 'Renamed' });
      const del = await api(server, as('olivia')).delete(`/plans/${plan.id}`);
      // Olivia owns cad-core, not gis-routing: the policy's condition refused both writes.
      expect([patch.status, del.status]).toEqual([403, 403]);
      const [nick, olivia] = ['user:default/nick', 'user:default/olivia'];
      expect(
        permissionCalls.filter(c => c.permission.startsWith('sla.plan.')),
      ).toEqual([
        { permission: 'sla.plan.create', resourceRef: GIS, user: nick },
        { permission: 'sla.plan.update', resourceRef: GIS, user: olivia },
        { permission: 'sla.plan.delete', resourceRef: GIS, user: olivia },
      ]);
      const after = await api(server, as('olivia')).get(`/plans/${plan.id}`);
      expect(after.body.title).toBe('Faster P1 response');
    });

    it('names the permission and the entity in the 403', async () => {
      const { res } = await postToFreshBackend(NEW_PLAN, 'nick');
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `Not allowed: sla.plan.create on ${CAD}`,
      );
    });
  });

  describe('unknown plans', () => {
    itAnswersNotFound(
      [
        { method: 'get', path: '/plans/does-not-exist' },
        { method: 'patch', path: '/plans/nope', body: { title: 'x' } },
        { method: 'delete', path: '/plans/x' },
      ],
      async () => (await startBackend()).server,
      as('mona'),
    );
  });

  describe('credentials', () => {
    itEnforcesAuth(
      [
        { method: 'post', path: '/plans', body: NEW_PLAN },
        { method: 'get', path: '/plans' },
        { method: 'get', path: '/plans/x' },
        { method: 'patch', path: '/plans/nope', body: { title: 'x' } },
        { method: 'delete', path: '/plans/x' },
      ],
      async () => (await startBackend({ denyAll: true })).server,
      as('olivia'),
    );
  });
});
