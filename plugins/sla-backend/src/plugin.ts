import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { applyDatabaseMigrations } from './database/migrations';
import { createRouter } from './service/router';

/**
 * The SLA backend plugin, mounted at `/api/sla`.
 * @public
 */
export const slaPlugin = createBackendPlugin({
  pluginId: 'sla',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ database, httpRouter, logger }) {
        const client = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(client);
        }
        httpRouter.use(await createRouter({ logger }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
