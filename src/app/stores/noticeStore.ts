/**
 * Toasts: refusals (a wire that cannot be made, a file that cannot be opened), confirmations
 * and start-up notices. Errors stay until dismissed or replaced; the rest fade on their own.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type NoticeKind = 'error' | 'warning' | 'info' | 'success';

export interface Notice {
  id: number;
  kind: NoticeKind;
  title: string;
  message?: string;
}

const LIFETIME_MS: Record<NoticeKind, number> = { error: 12000, warning: 9000, info: 4000, success: 3000 };
const MAX_VISIBLE = 4;

export const useNoticeStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([]);
  let nextId = 1;
  const timers = new Map<number, ReturnType<typeof setTimeout>>();

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
    clearTimeout(timers.get(id));
    timers.delete(id);
  }

  function notify(kind: NoticeKind, title: string, message?: string): number {
    const id = nextId++;
    // The same notice twice in a row (the same refused wire) replaces the older one.
    const same = notices.value.find((n) => n.title === title && n.message === message);
    if (same) dismiss(same.id);
    notices.value = [...notices.value, { id, kind, title, ...(message !== undefined && { message }) }].slice(
      -MAX_VISIBLE,
    );
    timers.set(
      id,
      setTimeout(() => dismiss(id), LIFETIME_MS[kind]),
    );
    return id;
  }

  return { notices, notify, dismiss };
});
