import { ConfigReader } from '@backstage/config';
import { createBuiltInProviders } from '.';

describe('createBuiltInProviders', () => {
  it('creates one provider per configured vendor, with every account', () => {
    const providers = createBuiltInProviders(
      new ConfigReader({
        sla: {
          providers: {
            pagerduty: [
              { id: 'us', token: 'a' },
              { id: 'eu', token: 'b', baseUrl: 'https://api.eu.pagerduty.com' },
            ],
            servicenow: { baseUrl: 'https://acme.service-now.com', token: 't' },
            jira: { baseUrl: 'https://acme.atlassian.net', token: 'j' },
            opsgenie: { main: { token: 'o' } },
            prometheus: [{ id: 'prom', baseUrl: 'https://prom.acme.com' }],
          },
        },
      }),
    );

    expect(providers.map(p => [p.id, p.accounts()])).toEqual([
      ['pagerduty', ['us', 'eu']],
      ['servicenow', ['default']],
      ['jira', ['default']],
      ['opsgenie', ['main']],
      ['prometheus', ['prom']],
    ]);
  });

  it('creates none without sla.providers', () => {
    expect(createBuiltInProviders(new ConfigReader({}))).toEqual([]);
  });

  it('rejects an account id used twice', () => {
    expect(() =>
      createBuiltInProviders(
        new ConfigReader({
          sla: {
            providers: {
              pagerduty: [
                { id: 'x', token: 'a' },
                { id: 'x', token: 'b' },
              ],
            },
          },
        }),
      ),
    ).toThrow('sla.providers.pagerduty: account id "x" is used twice');
  });
});
