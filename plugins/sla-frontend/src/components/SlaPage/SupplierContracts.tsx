import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import type { SupplierContract, SupplierOverview } from '../../api';
import { StatusChip, useSlaFormat } from '../common';

/** One line of the table: a contract and the supplier it belongs to. */
export type SupplierContractRow = SupplierContract & {
  supplier: string;
  supplierRate?: number;
  supplierMet: number;
  supplierCommitted: number;
};

/** The contracts of every supplier, supplier by supplier, as the API ordered them. */
export function supplierRows(value: SupplierOverview): SupplierContractRow[] {
  return value.suppliers.flatMap(s =>
    s.contracts.map(c => ({
      ...c,
      supplier: s.key,
      supplierRate: s.achievementRate,
      supplierMet: s.met,
      supplierCommitted: s.committed,
    })),
  );
}

/**
 * The organisation grouped by supplier (SPEC §8): every underpinning contract (agreement
 * type uc) under its owner, its achievement, and the services whose breaches overlapped its
 * outages with the downtime attributed to it. Every figure is `GET /overview/suppliers`'s.
 */
export const SupplierContracts = ({
  value,
  period,
}: {
  value: SupplierOverview;
  period: string;
}) => {
  const fmt = useSlaFormat();
  const { t } = fmt;
  const rate = (r: number | undefined) =>
    r === undefined ? t('common.notApplicable') : fmt.percent(r);
  const columns: TableColumn<SupplierContractRow>[] = [
    {
      title: t('page.supplier'),
      render: r =>
        r.supplier === '(none)' ? (
          t('common.none')
        ) : (
          <span
            title={t('page.supplierTotal', {
              supplier: r.supplier,
              rate: rate(r.supplierRate),
              met: String(r.supplierMet),
              committed: String(r.supplierCommitted),
            })}
          >
            <EntityRefLink entityRef={r.supplier} />
          </span>
        ),
    },
    {
      title: t('page.contract'),
      render: r => <EntityRefLink entityRef={r.entityRef} />,
    },
    { title: t('page.rate'), render: r => rate(r.achievementRate) },
    {
      title: t('common.achievement'),
      render: r =>
        t('common.achievementValue', {
          met: String(r.met),
          committed: String(r.committed),
        }),
    },
    {
      title: t('objective.availability'),
      render: r => (
        <>
          {fmt.percent(r.availability)}
          {r.availabilityTarget !== undefined &&
            ` / ${fmt.percent(r.availabilityTarget)}`}{' '}
          {r.availabilityStatus && <StatusChip status={r.availabilityStatus} />}
        </>
      ),
    },
    {
      title: t('page.affectedServices'),
      render: r =>
        r.dependents.length === 0 ? (
          t('page.noAffected')
        ) : (
          <div data-testid="sla-supplier-dependents">
            {r.dependents.map(d => (
              <Typography key={d.entityRef} variant="body2">
                {t('page.affectedService', {
                  service: d.title ?? d.entityRef,
                  attributed: fmt.duration(d.attributedMs),
                  downtime: fmt.duration(d.downtimeMs),
                  breached: d.breached
                    .map(fmt.objective)
                    .join(t('common.listSeparator')),
                })}
              </Typography>
            ))}
          </div>
        ),
    },
  ];
  const rows = supplierRows(value);
  return (
    <Table<SupplierContractRow>
      title={t('page.bySupplier')}
      subtitle={t('page.bySupplierSubtitle', {
        period,
        depth: String(value.depth),
      })}
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={rows}
      emptyContent={
        <Typography variant="body2" style={{ padding: 16 }}>
          {t('page.noContracts')}
        </Typography>
      }
    />
  );
};
