/** Lets the process exit while only this timer is left (Node); a no-op elsewhere. */
export function unref(timer: ReturnType<typeof setInterval> | ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}
