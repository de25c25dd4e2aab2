import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryError } from 'skreaver';
import { errnoCode, type FileMemoryFs } from './_fs.js';
import { ioError } from './_io-error.js';
import { currentProcess, hasEnded, type ProcessIdentity } from './_process-identity.js';

/** The `data` of the `memory_unavailable` error for a memory file in use. */
export interface FileMemoryLockedData {
  /** The memory file. */
  readonly path: string;
  /** Its lock file. */
  readonly lockPath: string;
  /** The process holding the lock (absent when the lock file cannot be read). */
  readonly pid?: number;
  /** The host that process runs on. */
  readonly hostname?: string;
  /** When it took the lock, in epoch milliseconds. */
  readonly acquiredAt?: number;
}

/** What a lock file holds. */
interface LockRecord extends ProcessIdentity {
  readonly acquiredAt: number;
  /** Random: tells this lock from a later one taken by the same process. */
  readonly token: string;
}

/** How to take a lock. */
export interface LockOptions {
  readonly fs: FileMemoryFs;
  /** The memory file the lock protects (for messages). */
  readonly path: string;
  readonly lockPath: string;
  readonly mode: number;
  /** Wait for a held lock instead of failing at once. */
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly retryMs: number;
}

/** A lock this process holds. */
export interface FileLock {
  /** Whether the lock file on disk is still this lock. */
  isHeld(): Promise<boolean>;
  /** Deletes the lock file, if it is still this lock. */
  release(): Promise<void>;
}

// Each takeover of a stale lock can lose a race to another opener; past this
// many in one attempt the lock is reported as held.
const MAX_TAKEOVERS = 3;

/**
 * Takes the lock: a file created atomically (hard link of a complete,
 * fsynced temporary file, so nobody ever reads a half-written lock) holding
 * the owner's pid, host, start time and a random token. A lock whose owner
 * has ended on this host is stale and taken over.
 *
 * @throws `MemoryError` `memory_unavailable` when it is held, `memory_io` on I/O failure.
 */
export async function acquireLock(options: LockOptions): Promise<FileLock> {
  const { fs, lockPath, mode } = options;
  const self = await currentProcess();
  const record: LockRecord = { ...self, acquiredAt: Date.now(), token: hex() };
  const text = JSON.stringify(record);
  const temp = `${lockPath}.${process.pid}.${hex()}.tmp`;
  await writeNewFile(fs, temp, text, mode).catch((error: unknown) => {
    throw ioError('create the lock file for', options.path, error);
  });
  try {
    const deadline = Date.now() + (options.wait ? options.timeoutMs : 0);
    for (;;) {
      const holder = await attempt(options, temp, text, self);
      if (holder === undefined) return lockHandle(fs, lockPath, record.token);
      const left = deadline - Date.now();
      if (left <= 0) throw lockedError(options, holder, self);
      await sleep(Math.min(options.retryMs, left));
    }
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
}

/** One try: undefined when the lock is ours, else who holds it. */
async function attempt(
  options: LockOptions,
  temp: string,
  text: string,
  self: ProcessIdentity,
): Promise<LockRecord | 'unreadable' | undefined> {
  let holder: LockRecord | 'unreadable' = 'unreadable';
  for (let takeovers = 0; takeovers <= MAX_TAKEOVERS; takeovers++) {
    if (await create(options, temp, text)) return undefined;
    const found = await readLock(options.fs, options.lockPath);
    if (found === 'missing') continue; // released meanwhile
    holder = found;
    if (found === 'unreadable' || !(await hasEnded(found, self))) return found;
    await takeOver(options, found);
  }
  return holder;
}

/** Creates the lock file; false when one exists. */
async function create(options: LockOptions, temp: string, text: string): Promise<boolean> {
  const { fs, lockPath } = options;
  try {
    await fs.link(temp, lockPath);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') {
      throw ioError('create the lock file', lockPath, error);
    }
  }
  // No hard links on this file system: an exclusive create instead (a reader
  // may then briefly see an empty lock file and report it unreadable).
  try {
    await writeNewFile(fs, lockPath, text, options.mode);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    await fs.unlink(lockPath).catch(() => undefined);
    throw ioError('create the lock file', lockPath, error);
  }
}

/**
 * Removes a stale lock. It is first renamed aside (atomic), then checked: if
 * another opener replaced it meanwhile, the lock moved aside is theirs, and it
 * is put back.
 */
async function takeOver(options: LockOptions, stale: LockRecord): Promise<void> {
  const { fs, lockPath } = options;
  const aside = `${lockPath}.${hex()}.stale`;
  try {
    await fs.rename(lockPath, aside);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw ioError('take over the stale lock file', lockPath, error);
  }
  const moved = await readLock(fs, aside).catch(() => 'unreadable' as const);
  if (typeof moved !== 'object' || moved.token !== stale.token) {
    // If a third opener got in first, its lock stands and this one is lost.
    await fs.link(aside, lockPath).catch(() => undefined);
  }
  await fs.unlink(aside).catch(() => undefined);
}

async function readLock(
  fs: FileMemoryFs,
  lockPath: string,
): Promise<LockRecord | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await fs.readFile(lockPath, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'missing';
    throw ioError('read the lock file', lockPath, error);
  }
  try {
    const record = JSON.parse(text) as Partial<LockRecord>;
    if (
      Number.isSafeInteger(record.pid) &&
      typeof record.hostname === 'string' &&
      typeof record.acquiredAt === 'number' &&
      typeof record.token === 'string' &&
      (record.startTime === undefined || typeof record.startTime === 'string') &&
      (record.bootId === undefined || typeof record.bootId === 'string')
    ) {
      return record as LockRecord;
    }
  } catch {
    // Not JSON: reported as unreadable below.
  }
  return 'unreadable';
}

function lockHandle(fs: FileMemoryFs, lockPath: string, token: string): FileLock {
  async function isHeld(): Promise<boolean> {
    const found = await readLock(fs, lockPath);
    return typeof found === 'object' && found.token === token;
  }
  return {
    isHeld,
    async release() {
      if (!(await isHeld())) return;
      await fs.unlink(lockPath).catch((error: unknown) => {
        if (errnoCode(error) !== 'ENOENT') throw ioError('remove the lock file', lockPath, error);
      });
    },
  };
}

function lockedError(
  options: LockOptions,
  holder: LockRecord | 'unreadable',
  self: ProcessIdentity,
): MemoryError<FileMemoryLockedData> {
  const { path, lockPath } = options;
  const waited = options.wait
    ? ` It was not released within ${options.timeoutMs} ms (option lockTimeoutMs).`
    : ' Close that memory first, or pass waitForLock: true to wait for it.';
  if (holder === 'unreadable') {
    return new MemoryError(
      'memory_unavailable',
      `The memory file ${path} is locked, but its lock file ${lockPath} cannot be read as a skreaver lock.${waited} If no process uses ${path}, delete ${lockPath}.`,
      { data: { path, lockPath } },
    );
  }
  const { pid, hostname, acquiredAt } = holder;
  const who =
    hostname !== self.hostname
      ? `process ${pid} on host ${hostname}`
      : pid === self.pid
        ? `another memory in this process (pid ${pid})`
        : `process ${pid}`;
  const since = new Date(acquiredAt).toISOString();
  return new MemoryError(
    'memory_unavailable',
    `The memory file ${path} is in use: ${who} has held its lock ${lockPath} since ${since}.${waited} If that process is gone, delete ${lockPath}.`,
    { data: { path, lockPath, pid, hostname, acquiredAt } },
  );
}

async function writeNewFile(fs: FileMemoryFs, path: string, text: string, mode: number) {
  const handle = await fs.open(path, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function hex(): string {
  return randomBytes(8).toString('hex');
}
