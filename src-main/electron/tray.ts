/** Turns the tray model (src-main/shell/tray-model.ts) into an Electron menu. */
import { Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayItem } from '../shell/tray-model.ts';

export function buildTrayMenu(items: readonly TrayItem[], dispatch: (action: TrayAction) => void): Menu {
  const template: MenuItemConstructorOptions[] = items.map((item) => {
    switch (item.kind) {
      case 'label':
        return { label: item.label, enabled: false };
      case 'separator':
        return { type: 'separator' };
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => dispatch(item.id) };
      case 'checkbox':
        return { label: item.label, type: 'checkbox', checked: item.checked, click: () => dispatch(item.id) };
    }
  });
  return Menu.buildFromTemplate(template);
}
