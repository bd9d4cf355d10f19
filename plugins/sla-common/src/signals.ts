/**
 * The signals channel of live SLA updates: the backend publishes on it after incidents were
 * written (POST /incidents, CSV, provider sync); the card and the tab reload when it names
 * their entity. Both sides read the name from here.
 */
export const SLA_SIGNAL_CHANNEL = 'sla:incidents';

/** A message on {@link SLA_SIGNAL_CHANNEL}: refs only, never figures. */
export type SlaIncidentsSignal = {
  /** Entity refs whose incidents changed, each once. */
  entityRefs: string[];
};
