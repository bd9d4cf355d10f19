/*
 * The demo portal's backend: just what the SLA plugins need to be shown working.
 */

import { createBackend } from '@backstage/backend-defaults';
import {
  catalogModuleSlaAnnotations,
  techInsightsModuleSlaFacts,
} from '@servicelevel/plugin-sla-backend';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// Guest sign-in for the demo; replace with a real provider in production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

backend.add(import('@servicelevel/plugin-sla-backend'));
// Live SLA cards: the card and tab reload when incidents arrive (signals).
backend.add(import('@backstage/plugin-signals-backend'));
// Reports malformed servicelevel.io/ annotations as catalog processing errors.
backend.add(catalogModuleSlaAnnotations);

// SLA answers for AI agents: the sla:* actions as MCP tools at /api/mcp-actions/v1
// (backend.actions.pluginSources in app-config).
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Scorecards: Tech Insights, its JSON rules checks and the SLA facts (app-config techInsights).
backend.add(import('@backstage-community/plugin-tech-insights-backend'));
backend.add(
  import('@backstage-community/plugin-tech-insights-backend-module-jsonfc'),
);
backend.add(techInsightsModuleSlaFacts);

backend.start();
