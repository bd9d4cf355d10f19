import { parseEntityRef } from '@backstage/catalog-model';
import type { EntityChain } from '../../api';
import type { SlaFormat } from './labels';

/** A consistency warning of the dependency chain (SPEC §8). */
export type ChainWarning = EntityChain['warnings'][number];

/**
 * A consistency warning in the user's language, from its fields (the API's message is
 * English): on the entity's dependency chain and on the catalog page.
 */
export function chainWarningText(w: ChainWarning, fmt: SlaFormat): string {
  const { t } = fmt;
  const name = (ref?: string) => (ref ? parseEntityRef(ref).name : '');
  switch (w.code) {
    case 'dependency-availability-below':
      return t('chain.warnAvailability', {
        target: fmt.percent(w.target),
        dependency: name(w.dependency),
        dependencyTarget: fmt.percent(w.dependencyTarget),
      });
    case 'chain-availability-below':
      return t('chain.warnProduct', {
        target: fmt.percent(w.target),
        dependencies: (w.dependencies ?? [])
          .map(name)
          .join(t('common.listSeparator')),
        product: fmt.percent(w.product),
      });
    default:
      return t(
        w.code === 'response-target-shorter'
          ? 'chain.warnResponse'
          : 'chain.warnResolution',
        {
          priority: w.priority ?? '',
          target: fmt.duration(w.targetMs),
          dependency: name(w.dependency),
          dependencyTarget: fmt.duration(w.dependencyTargetMs),
        },
      );
  }
}
