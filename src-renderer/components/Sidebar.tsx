/** The left navigation, grouped; the current page is marked with aria-current. */
import type { NavItem } from '../pages/registry.tsx';

export function Sidebar({ items, active, gatewayUrl }: { items: readonly NavItem[]; active: string; gatewayUrl: string }) {
  const groups = [...new Set(items.map((i) => i.group))];
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Tollgate
      </div>
      <nav aria-label="Main">
        {groups.map((g) => (
          <div key={g} className="nav-group">
            <div className="nav-group-label">{g}</div>
            <ul>
              {items
                .filter((i) => i.group === g)
                .map((i) => (
                  <li key={i.id}>
                    <a href={`#/${i.id}`} className="nav-link" aria-current={i.id === active ? 'page' : undefined}>
                      {i.label}
                    </a>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </nav>
      <div className="sidebar-foot" title="Gateway address">
        {gatewayUrl}
      </div>
    </aside>
  );
}
