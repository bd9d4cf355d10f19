import type {
  ClockStatus,
  ObjectiveStatus,
} from '@servicelevel/plugin-sla-common';

/**
 * Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. Colour is
 * never the only signal; every status also carries its text and an icon.
 */
export const OKABE_ITO = {
  blue: '#0072B2',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  orange: '#E69F00',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  yellow: '#F0E442',
  grey: '#8C8C8C',
} as const;

export type AnyStatus = ObjectiveStatus | ClockStatus;

export const STATUS_COLOUR: Record<AnyStatus, string> = {
  met: OKABE_ITO.bluishGreen,
  breached: OKABE_ITO.vermillion,
  'at-risk': OKABE_ITO.orange,
  running: OKABE_ITO.blue,
  'no-data': OKABE_ITO.grey,
  'no-target': OKABE_ITO.grey,
  unknown: OKABE_ITO.reddishPurple,
};

/** Colour of an achievement rate cell (heatmap, big number). */
export function rateColour(rate: number | undefined): string {
  if (rate === undefined) return OKABE_ITO.grey;
  if (rate >= 100) return OKABE_ITO.bluishGreen;
  if (rate >= 80) return OKABE_ITO.orange;
  return OKABE_ITO.vermillion;
}

/** Readable text colour on a filled cell. */
export function textOn(background: string): string {
  return background === OKABE_ITO.orange || background === OKABE_ITO.yellow
    ? '#000000'
    : '#FFFFFF';
}
