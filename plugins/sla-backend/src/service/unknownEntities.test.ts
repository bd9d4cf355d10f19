import type { EntityStore } from '../database/types';
import { ComplianceService, EntitySource } from './ComplianceService';

/** ComplianceService.unknownEntityRefs: the `unknownEntities` of POST /incidents. */
function serviceWith(stored: string[], source?: EntitySource) {
  const entities = {
    listEntities: async () => {
      throw new Error('a batch is checked without listing every entity');
    },
    currentRefs: async (refs: string[]) =>
      new Set(refs.filter(r => stored.includes(r))),
  } as unknown as EntityStore;
  return new ComplianceService({
    entities,
    entitySource: source,
  } as unknown as ConstructorParameters<typeof ComplianceService>[0]);
}

describe('ComplianceService.unknownEntityRefs', () => {
  const A = 'component:default/synced';
  const B = 'component:default/registered-not-synced';
  const C = 'component:default/ghost';

  it('asks the catalog once per batch, and only about refs the stores do not know', async () => {
    const listedRefs = jest.fn(async (refs: string[]) => {
      return new Set(refs.filter(r => r === B));
    });
    const service = serviceWith([A], {
      syncEntity: async () => false,
      listedRefs,
    });
    expect(await service.unknownEntityRefs([C, A, B, C, B])).toEqual([C]);
    expect(listedRefs).toHaveBeenCalledTimes(1);
    expect(listedRefs).toHaveBeenCalledWith([C, B]);
  });

  it('does not ask the catalog when the stores know every ref', async () => {
    const listedRefs = jest.fn(async () => new Set<string>());
    const service = serviceWith([A, B], {
      syncEntity: async () => false,
      listedRefs,
    });
    expect(await service.unknownEntityRefs([B, A])).toEqual([]);
    expect(listedRefs).not.toHaveBeenCalled();
  });

  it('falls back to the stores alone without a catalog source', async () => {
    expect(await serviceWith([A]).unknownEntityRefs([C, B, A])).toEqual([C, B]);
  });
});
