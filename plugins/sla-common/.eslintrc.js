// sla-common is shared by the browser and the backend: keep it free of node, HTTP and SQL.
// Its source may import only relative paths and an allowlist of isomorphic packages.
const ALLOWED_PACKAGES = ['luxon', '@backstage/plugin-permission-common'];

// no-restricted-imports reads a `group` as .gitignore lines, matched against the import
// path. '/*' restricts every bare package (and its subpaths); the negations re-admit
// relative paths and the allowlist. Scoped packages need their scope re-admitted first.
const allowlistGroup = [
  '/*',
  '!/.',
  '!/..',
  ...ALLOWED_PACKAGES.flatMap(name => {
    const [scope, pkg] = name.split('/');
    return pkg ? [`!/${scope}`, `/${scope}/*`, `!/${name}`] : [`!/${name}`];
  }),
];

module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // Tests and the bench (which may also use fast-check) keep these out too.
  restrictedImports: [
    {
      name: 'knex',
      message: 'sla-common is isomorphic: SQL lives in sla-backend.',
    },
    {
      name: 'express',
      message: 'sla-common is isomorphic: HTTP lives in sla-backend.',
    },
    { name: 'fs', message: 'sla-common is isomorphic: no node APIs.' },
    { name: 'path', message: 'sla-common is isomorphic: no node APIs.' },
    { name: 'crypto', message: 'sla-common is isomorphic: no node APIs.' },
    {
      name: 'react',
      message: 'sla-common is isomorphic: UI lives in sla-frontend.',
    },
  ],
  overrides: [
    {
      files: ['src/**'],
      excludedFiles: [
        '**/*.test.*',
        '**/__testUtils__/**',
        '**/__mocks__/**',
        'src/setupTests.*',
      ],
      rules: {
        'no-restricted-imports': [
          2,
          {
            patterns: [
              {
                // The factory's defaults: production code never imports test code.
                group: [
                  '*.stories*',
                  '*.test*',
                  '**/__testUtils__/**',
                  '**/__mocks__/**',
                ],
                message:
                  'Production code must not import tests or test utilities.',
              },
              {
                group: allowlistGroup,
                message: `sla-common is isomorphic: its source imports only relative paths and ${ALLOWED_PACKAGES.join(
                  ', ',
                )}.`,
              },
            ],
          },
        ],
      },
    },
  ],
});
