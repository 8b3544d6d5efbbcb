/**
 * The tray menu as data: a pure function of the gateway's status, so the menu's wording and
 * states are tested without Electron. src-main/electron/tray.ts turns it into a Menu.
 */
import type { GatewayStatus } from '../core/gateway-types.ts';

export type TrayAction = 'open-window' | 'pause' | 'resume' | 'toggle-start-at-login' | 'quit';

export type TrayItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; id: TrayAction; label: string; enabled: boolean }
  | { kind: 'checkbox'; id: TrayAction; label: string; checked: boolean };

export interface TrayState {
  /** Null before the gateway was first created. */
  status: GatewayStatus | null;
  /** True while the user has paused the gateway from the tray. */
  paused: boolean;
  /** True while a pause or resume is in progress. */
  busy?: boolean;
  /** Null where the OS has no login items Electron can set (Linux). */
  startAtLogin: boolean | null;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `$1.23`; `< $0.01` for a non-zero amount that would round to nothing. */
export function formatSpend(amount: number): string {
  if (!Number.isFinite(amount) || amount <= 0) return usd.format(0);
  if (amount < 0.005) return '< $0.01';
  return usd.format(amount);
}

export function statusLine(state: TrayState): string {
  const s = state.status;
  if (state.paused) return 'Tollgate — paused';
  if (s === null) return 'Tollgate — starting';
  if (!s.running || s.port === null) return 'Tollgate — stopped';
  return `Tollgate — running on ${s.host}:${s.port}`;
}

export function trayTooltip(state: TrayState): string {
  return `${statusLine(state)}\nToday: ${formatSpend(state.status?.todaySpend ?? 0)}`;
}

export function buildTrayModel(state: TrayState): TrayItem[] {
  const items: TrayItem[] = [
    { kind: 'label', label: statusLine(state) },
    { kind: 'label', label: `Today: ${formatSpend(state.status?.todaySpend ?? 0)}` },
    { kind: 'separator' },
    { kind: 'action', id: 'open-window', label: 'Open window', enabled: true },
    state.paused
      ? { kind: 'action', id: 'resume', label: 'Resume gateway', enabled: state.busy !== true }
      : { kind: 'action', id: 'pause', label: 'Pause gateway', enabled: state.busy !== true && state.status?.running === true },
  ];
  if (state.startAtLogin !== null) {
    items.push({ kind: 'checkbox', id: 'toggle-start-at-login', label: 'Start at login', checked: state.startAtLogin });
  }
  items.push({ kind: 'separator' }, { kind: 'action', id: 'quit', label: 'Quit', enabled: true });
  return items;
}
