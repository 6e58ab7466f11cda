/**
 * Arrow-key movement between the items of an open menu, shared by the toolbar menus
 * (MenuButton) and the canvas's context menu, so both answer the keyboard the same way.
 */

/** The menu's items, in order. */
export function menuItems(menu: HTMLElement | undefined): HTMLButtonElement[] {
  return [...(menu?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
}

/**
 * Moves the focus for ArrowDown/ArrowUp (wrapping) and Home/End; returns false for any other
 * key so the caller can handle it.
 */
export function moveMenuFocus(menu: HTMLElement | undefined, key: string): boolean {
  const items = menuItems(menu);
  if (!items.length) return false;
  const i = items.indexOf(document.activeElement as HTMLButtonElement);
  if (key === 'ArrowDown') items[(i + 1) % items.length]?.focus();
  else if (key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus();
  else if (key === 'Home') items[0]?.focus();
  else if (key === 'End') items[items.length - 1]?.focus();
  else return false;
  return true;
}
