/** Previous / next paging for server-paged tables. */
export function Pagination({ page, totalPages, onPage }: { page: number; totalPages: number | null; onPage: (page: number) => void }) {
  const last = totalPages ?? page + 1;
  return (
    <nav className="pagination" aria-label="Pages">
      <button type="button" className="button button-small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span className="pagination-label">
        Page {page}
        {totalPages === null ? '' : ` of ${totalPages}`}
      </span>
      <button type="button" className="button button-small" disabled={page >= last} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}
