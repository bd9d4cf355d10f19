import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import { createValidatedRouter } from '../validatedRouter';

/**
 * Feature routers served as plugin.ts serves them (one body parser, one validation against
 * openapi.yaml), with Backstage's error responses: for a test of one route module alone.
 */
export function validatedApp(...features: express.Router[]): express.Express {
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: mockServices.logger.mock(),
  });
  return express()
    .use(createValidatedRouter(...features))
    .use(middleware.error());
}
