/** Tables: a header row from column specs (with an optional hidden "Actions" column), rows as children. */
import type { ReactNode } from 'react';

/** A header cell: plain text, or a label for a right-aligned numeric column. */
export type Column = string | { label: ReactNode; num: true };

export interface TableProps {
  columns: readonly Column[];
  /** Adds a last, visually hidden "Actions" header cell. */
  actions?: boolean;
  className?: string;
  testId?: string;
  children: ReactNode;
}

export function TableHead({ columns, actions = false }: { columns: readonly Column[]; actions?: boolean }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) =>
          typeof c === 'string' ? (
            <th key={i} scope="col">
              {c}
            </th>
          ) : (
            <th key={i} scope="col" className="num">
              {c.label}
            </th>
          ),
        )}
        {actions ? (
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        ) : null}
      </tr>
    </thead>
  );
}

/** A bare table (inside a panel or dialog). */
export function Table({ columns, actions, className = 'table', testId, children }: TableProps) {
  return (
    <table className={className} data-testid={testId}>
      <TableHead columns={columns} actions={actions} />
      <tbody>{children}</tbody>
    </table>
  );
}

/** A page's main table, in its scrolling wrapper. */
export function DataTable(props: TableProps) {
  return (
    <div className="table-wrap">
      <Table {...props} />
    </div>
  );
}
