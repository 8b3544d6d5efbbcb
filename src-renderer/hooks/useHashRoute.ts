/**
 * Pages live in the fragment (`#/keys`), so the gateway only has to serve one index.html under
 * /ui/ and Electron's app:// protocol needs no history fallback. `#token=` is the sign-in link,
 * not a page.
 */
import { useEffect, useState } from 'react';

function current(): string {
  const h = window.location.hash;
  return h.startsWith('#/') ? h.slice(2).split('?')[0] ?? '' : '';
}

export function useHashRoute(): string {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = (): void => setRoute(current());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function navigate(route: string): void {
  window.location.hash = `#/${route}`;
}
