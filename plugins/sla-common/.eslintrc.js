// sla-common is shared by the browser and the backend: keep it free of node, HTTP and SQL.
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  restrictedImports: [
    { name: 'knex', message: 'sla-common is isomorphic: SQL lives in sla-backend.' },
    { name: 'express', message: 'sla-common is isomorphic: HTTP lives in sla-backend.' },
    { name: 'fs', message: 'sla-common is isomorphic: no node APIs.' },
    { name: 'path', message: 'sla-common is isomorphic: no node APIs.' },
    { name: 'crypto', message: 'sla-common is isomorphic: no node APIs.' },
    { name: 'react', message: 'sla-common is isomorphic: UI lives in sla-frontend.' },
  ],
  restrictedImportPatterns: ['node:*', '@backstage/backend-*', '@backstage/core-*'],
});
