/**
 * Extension points of the SLA backend, so that incident providers can be added as backend
 * modules without importing the backend plugin itself, and the HTTP helper they share.
 *
 * @packageDocumentation
 */

export type {
  IncidentPage,
  IncidentProvider,
  IncidentProviderFeeds,
  IncidentProviderSyncContext,
  LinkedEntity,
} from './IncidentProvider';
export { slaIncidentProvidersExtensionPoint } from './extensions';
export type { SlaIncidentProvidersExtensionPoint } from './extensions';
export { createHttpClient, HttpError, retryDelayFromHeaders } from './http';
export type { HttpClient, HttpClientOptions, HttpJsonResponse } from './http';
