import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
// Installed for packages/backend; not yet a devDependency of this package.
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { CAD_CORE_ANNOTATIONS, webhookP1 } from '../__testUtils__/examples';
import {
  api,
  catalogComponent,
  startSlaBackend,
} from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const OLIVIA = 'user:default/olivia';
const NICK = 'user:default/nick';
const CAD = 'component:default/cad-core';

const CONFIG = {
  sla: { defaultTimezone: 'UTC', tiers: {} },
  // The actions the MCP actions backend lists: this plugin's.
  backend: { actions: { pluginSources: ['sla'] } },
};

const ENTITIES = [
  catalogComponent(
    'cad-core',
    CAD_CORE_ANNOTATIONS,
    'group:default/dispatch-platform',
    { title: 'CAD core', system: 'dispatch' },
  ),
];

/**
 * The SLA plugin and the MCP actions backend in one test backend. The policy allows
 * everything except sla.plan.create to nick; `denyAll` denies every permission.
 */
async function start(options: { denyAll?: boolean } = {}) {
  const asked: Array<{ permission: string; resourceRef?: string }> = [];
  const permissions = mockServices.permissions.mock({
    authorize: async (requests, opts) => {
      const user = (
        (opts?.credentials as BackstageCredentials).principal as {
          userEntityRef?: string;
        }
      ).userEntityRef;
      return requests.map(r => {
        const { permission, resourceRef } = r as {
          permission: { name: string };
          resourceRef?: string;
        };
        asked.push({
          permission: permission.name,
          ...(resourceRef ? { resourceRef } : {}),
        });
        const denied =
          options.denyAll ||
          (permission.name === 'sla.plan.create' && user === NICK);
        return {
          result: denied ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
        };
      }) as never;
    },
  });
  const server = await startSlaBackend({
    config: CONFIG,
    entities: ENTITIES,
    permissions: permissions.factory,
    features: [mcpActionsPlugin],
  });
  return { server, asked };
}

/** An MCP client of the official SDK, signed in as `user`, on the backend's MCP endpoint. */
async function mcpClient(server: Server, user: string) {
  const { port } = server.address() as AddressInfo;
  const transport = new StreamableHTTPClientTransport(
    new URL(`http://localhost:${port}/api/mcp-actions/v1`),
    {
      requestInit: {
        headers: { Authorization: mockCredentials.user.header(user) },
      },
    },
  );
  const client = new Client({ name: 'sla-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** A tool call's JSON answer (structuredContent and the text content agree). */
async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
) {
  const result = (await client.callTool({ name, arguments: args })) as {
    isError?: boolean;
    content: Array<{ type: string; text: string }>;
    structuredContent?: unknown;
  };
  return result;
}

describe('SLA actions over MCP', () => {
  let server: Server;
  let asked: Awaited<ReturnType<typeof start>>['asked'];

  beforeAll(async () => {
    ({ server, asked } = await start());
    // Two P1s in September 2026: one answered in 10 minutes, one in 40 (P1 response: 15m).
    const ingest = await api(server, mockCredentials.user.header(OLIVIA))
      .post('/incidents')
      .send({
        incidents: [
          {
            ...webhookP1(CAD, 'INC-1'),
            createdAt: '2026-09-10T10:00:00Z',
            acknowledgedAt: '2026-09-10T10:10:00Z',
            resolvedAt: '2026-09-10T11:00:00Z',
          },
          {
            ...webhookP1(CAD, 'INC-2'),
            createdAt: '2026-09-20T10:00:00Z',
            acknowledgedAt: '2026-09-20T10:40:00Z',
            resolvedAt: '2026-09-20T12:00:00Z',
          },
        ],
      });
    if (ingest.status !== 200) {
      throw new Error(`ingest answered ${ingest.status}`);
    }
  });

  it('lists the five SLA tools', async () => {
    const client = await mcpClient(server, OLIVIA);
    const { tools } = await client.listTools();
    const sla = tools.filter(t => t.name.startsWith('sla.'));
    expect(sla.map(t => t.name).sort()).toEqual([
      'sla.create-improvement-plan',
      'sla.get-compliance',
      'sla.get-overview',
      'sla.get-terms',
      'sla.list-breaches',
    ]);
    const byName = new Map(sla.map(t => [t.name, t]));
    expect(byName.get('sla.get-compliance')?.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
    expect(
      byName.get('sla.create-improvement-plan')?.annotations,
    ).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(byName.get('sla.get-compliance')?.inputSchema).toMatchObject({
      type: 'object',
      required: ['entityRef'],
    });
    await client.close();
  });

  it('answers sla:get-compliance with the figures of the HTTP API', async () => {
    const http = await api(server, mockCredentials.user.header(OLIVIA)).get(
      '/entities/component/default/cad-core/compliance?period=2026-09',
    );
    expect(http.status).toBe(200);

    const client = await mcpClient(server, OLIVIA);
    const result = await call(client, 'sla.get-compliance', {
      entityRef: 'component:default/cad-core',
      period: '2026-09',
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(http.body);
    expect(JSON.parse(result.content[0].text)).toEqual(http.body);
    // The figures themselves: one of two P1s answered within 15 minutes.
    const p1 = http.body.result.objectives.find(
      (o: { objective: string }) => o.objective === 'response-time:P1',
    );
    expect(p1).toMatchObject({
      status: 'breached',
      actual: { counted: 2, metCount: 1 },
    });
    await client.close();
  });

  it('answers sla:get-terms, sla:get-overview and sla:list-breaches as the API does', async () => {
    const client = await mcpClient(server, OLIVIA);
    const header = mockCredentials.user.header(OLIVIA);

    const terms = await call(client, 'sla.get-terms', {
      entityRef: 'cad-core',
    });
    const httpTerms = await api(server, header).get(
      '/entities/component/default/cad-core/terms',
    );
    expect(terms.structuredContent).toEqual(httpTerms.body);

    const overview = await call(client, 'sla.get-overview', {
      groupBy: 'system',
      period: '2026-09',
    });
    const httpOverview = await api(server, header).get(
      '/overview?groupBy=system&period=2026-09',
    );
    expect(overview.structuredContent).toEqual(httpOverview.body);

    const breaches = await call(client, 'sla.list-breaches', {
      scope: 'owner',
      value: 'dispatch-platform',
      period: '2026-09',
    });
    const line = httpOverview.body.services.find(
      (s: { entityRef: string }) => s.entityRef === CAD,
    );
    expect(breaches.structuredContent).toEqual({
      scope: 'owner',
      value: 'group:default/dispatch-platform',
      servicesInScope: 1,
      breaches: line.breaches,
      services: [
        {
          ...line,
          breachedObjectives: expect.arrayContaining([
            expect.objectContaining({
              objective: 'response-time:P1',
              status: 'breached',
              period: '2026-09',
              // Read whole, not from the overview's statuses.
              target: expect.objectContaining({ display: expect.any(String) }),
              actual: expect.objectContaining({ display: expect.any(String) }),
            }),
          ]),
        },
      ],
    });
    expect(line.breached).toContain('response-time:P1');

    const none = await call(client, 'sla.list-breaches', {
      scope: 'owner',
      value: 'group:default/field-ops',
      period: '2026-09',
    });
    expect(none.structuredContent).toEqual({
      scope: 'owner',
      value: 'group:default/field-ops',
      servicesInScope: 0,
      breaches: 0,
      services: [],
    });
    await client.close();
  });

  it('refuses sla:create-improvement-plan without sla.plan.create, and creates it with', async () => {
    const plan = {
      entityRef: CAD,
      title: 'Faster P1 response',
      origin: {
        type: 'breach',
        objective: 'response-time:P1',
        period: '2026-09',
      },
      owner: 'group:default/dispatch-platform',
      targetDate: '2099-12-31',
      actions: [{ title: 'Second on-call engineer' }],
    };
    const nick = await mcpClient(server, NICK);
    const refused = await call(nick, 'sla.create-improvement-plan', plan);
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toBe(
      `NotAllowedError: Not allowed: sla.plan.create on ${CAD}`,
    );
    expect(asked).toContainEqual({
      permission: 'sla.plan.create',
      resourceRef: CAD,
    });
    await nick.close();

    const olivia = await mcpClient(server, OLIVIA);
    const created = await call(olivia, 'sla.create-improvement-plan', plan);
    expect(created.isError).toBeFalsy();
    expect(created.structuredContent).toMatchObject({
      entityRef: CAD,
      status: 'proposed',
      createdBy: OLIVIA,
      addresses: [{ objective: 'response-time:P1', period: '2026-09' }],
      actions: [{ title: 'Second on-call engineer', done: false }],
      overdue: false,
    });
    const id = (created.structuredContent as { id: string }).id;
    const stored = await api(server, mockCredentials.user.header(OLIVIA)).get(
      `/plans/${id}`,
    );
    expect(stored.status).toBe(200);
    const { history, ...view } = stored.body;
    expect(view).toEqual(created.structuredContent);
    expect(history).toHaveLength(1);
    // Nick's refused call stored nothing.
    const all = await api(server, mockCredentials.user.header(OLIVIA)).get(
      '/plans',
    );
    expect(all.body.items).toHaveLength(1);
    await olivia.close();
  });

  it('shows no SLA tools to a caller the policy denies', async () => {
    const denied = await start({ denyAll: true });
    const client = await mcpClient(denied.server, OLIVIA);
    const { tools } = await client.listTools();
    expect(tools.filter(t => t.name.startsWith('sla.'))).toEqual([]);
    await client.close();
  });
});
