/**
 * Extension points of the SLA backend, so that incident providers can be added as backend
 * modules without importing the backend plugin itself.
 *
 * @packageDocumentation
 */

export {};
