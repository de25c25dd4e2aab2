import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/*
 * Tells whether the process that wrote a lock is still running. On Linux the
 * answer comes from /proc: a process is identified by its pid AND its start
 * time, so a pid reused by an unrelated process (common in containers, where
 * a restarted service gets the same pid) does not keep a stale lock alive,
 * and a zombie counts as dead. Elsewhere `kill(pid, 0)` is the best there is.
 */

/** What identifies this process on this machine. */
export interface ProcessIdentity {
  readonly pid: number;
  readonly hostname: string;
  /** The process start time in clock ticks since boot (Linux), if known. */
  readonly startTime?: string;
  /** The kernel's boot id (Linux): locks from an earlier boot are stale. */
  readonly bootId?: string;
}

/** This process's identity. */
export async function currentProcess(): Promise<ProcessIdentity> {
  const self = await readStat('self');
  const bootId = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
  return {
    pid: process.pid,
    hostname: hostname(),
    ...(self?.startTime === undefined ? {} : { startTime: self.startTime }),
    ...(bootId === undefined || bootId === '' ? {} : { bootId }),
  };
}

/**
 * Whether the process `holder` describes has certainly ended, judged from
 * `self` (the caller). A process on another host is never judged ended: it
 * cannot be checked from here.
 */
export async function hasEnded(holder: ProcessIdentity, self: ProcessIdentity): Promise<boolean> {
  if (holder.hostname !== self.hostname) return false;
  if (holder.bootId !== undefined && self.bootId !== undefined && holder.bootId !== self.bootId) {
    return true;
  }
  // /proc may hide other users' processes (hidepid), so an absent entry is
  // checked again with kill() below.
  const stat = self.startTime === undefined ? undefined : await readStat(String(holder.pid));
  if (stat !== undefined) {
    if (stat.state === 'Z' || stat.state === 'X') return true;
    return holder.startTime !== undefined && stat.startTime !== holder.startTime;
  }
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as { code?: unknown }).code !== 'EPERM';
  }
}

/** State and start time from /proc/<pid>/stat, or undefined when unavailable. */
async function readStat(pid: string): Promise<{ state: string; startTime: string } | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so
  // fields are counted after the last ')'. state is field 3, starttime 22.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  return state === undefined || startTime === undefined ? undefined : { state, startTime };
}
