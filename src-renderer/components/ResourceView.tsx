/** The error / loading / empty / loaded states of a page's data, in the same order on every page. */
import type { ReactNode } from 'react';
import type { Resource } from '../hooks/useResource.ts';
import { DataTable } from './DataTable.tsx';
import type { TableProps } from './DataTable.tsx';
import { ErrorBanner, Loading } from './States.tsx';

/** The error banner (with Retry) and the first-load spinner of a resource. */
export function ResourceStatus({ resource }: { resource: Resource<unknown> }) {
  return (
    <>
      {resource.error !== undefined ? <ErrorBanner error={resource.error} onRetry={resource.reload} /> : null}
      {resource.loading && resource.data === undefined ? <Loading /> : null}
    </>
  );
}

/** Status, then `empty` when the rows are an empty list, else the rows rendered by `children`. */
export function ResourceList<T>({ resource, items, empty, children }: { resource: Resource<unknown>; items: readonly T[] | undefined; empty: ReactNode; children: (items: readonly T[]) => ReactNode }) {
  return (
    <>
      <ResourceStatus resource={resource} />
      {items?.length === 0 ? empty : null}
      {items !== undefined && items.length > 0 ? children(items) : null}
    </>
  );
}

/** A ResourceList whose rows are a page's main table: one `row` (a `<tr>`) per item. */
export function ResourceTable<T>({ resource, items, empty, row, ...table }: Omit<TableProps, 'children'> & { resource: Resource<unknown>; items: readonly T[] | undefined; empty: ReactNode; row: (item: T, index: number) => ReactNode }) {
  return (
    <ResourceList resource={resource} items={items} empty={empty}>
      {(rows) => <DataTable {...table}>{rows.map(row)}</DataTable>}
    </ResourceList>
  );
}
