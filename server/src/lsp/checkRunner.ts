/**
 * Runs `checkDocument` off the language server's main thread, so a long check never blocks hovers, code
 * actions or typing. One worker thread checks one document at a time; jobs wait in a queue where a newer job
 * for the same document replaces an older one that has not started (it resolves as "superseded"). A job whose
 * document has moved on while it runs is allowed to finish for `staleKillMs`, then the worker is terminated and
 * restarted, so stale work never holds up fresh work for long. Interactive jobs (open documents) go before bulk
 * jobs (checking closed notes).
 *
 * A worker that dies (out of memory, say) fails the job it was running, with the reason in words, and the next job
 * starts a fresh worker: with a worker script, checks never run on the main thread. Without one (tests, tools)
 * checks run inline, one per tick.
 */
import { Worker, parentPort } from 'worker_threads';
import { CheckCache, appendSection, checkDocument, checkSections, moveReport, warmUp, type DocumentReport, type EngineOptions } from '../engine';
import type { EarlyWorker } from './earlyWorker';

export interface CheckJob {
  /** Jobs with the same key replace each other (usually the document URI). */
  key: string;
  /** Increases with every change of the document; a job replaces those with a lower version. */
  version: number;
  text: string;
  options: EngineOptions;
  /** Bulk jobs run after all interactive ones. Default false. */
  bulk?: boolean;
}

export type CheckOutcome =
  | { status: 'done'; report: DocumentReport; ms: number }
  | { status: 'superseded' }
  | { status: 'failed'; error: string };

export interface CheckRunnerOptions {
  /** The script to run in the worker; null or undefined checks inline. */
  workerScript?: string | null;
  /**
   * A worker already started on `workerScript` (the server's entry starts it before loading the rest of the server,
   * lsp/earlyWorker.ts): the runner's first worker, unless it stopped before the runner took it.
   */
  started?: EarlyWorker;
  /** Heap limits of the worker thread (a small young generation keeps the server's memory low). */
  resourceLimits?: import('worker_threads').ResourceLimits;
  /** How long a job whose document changed may keep running before the worker is restarted. Default 1500 ms. */
  staleKillMs?: number;
  log?: (message: string) => void;
}

interface Entry {
  job: CheckJob;
  resolve: (o: CheckOutcome) => void;
}

interface Running extends Entry {
  id: number;
  startedAt: number;
  stale: boolean;
  killTimer?: NodeJS.Timeout;
}

/** Messages between the runner and its worker. */
interface WorkerRequest {
  id: number;
  /** The job's key (the document): section reports are remembered per key on both sides. */
  key: string;
  text: string;
  options: EngineOptions;
}

/**
 * A report in sections, as the worker sends it: a section the runner already holds for this key (from the
 * previous reply for the same key) is only named; a new one comes whole. After one edit, one section crosses the
 * thread boundary instead of the whole report (a 5,000-line note's report is ~900 kB to clone).
 */
interface SectionRef {
  start: number;
  ref: number;
  /** A section not held yet: its report, at offsets of a note where it began at `base`. */
  part?: DocumentReport;
  base?: number;
}
/**
 * What the runner holds of a document: its last report, and where each section's fragments, claims and
 * diagnostics are in it (so a section named again is taken from there, not kept twice).
 */
interface HeldRange {
  start: number;
  f: number;
  nf: number;
  c: number;
  nc: number;
  d: number;
  nd: number;
}
interface HeldDoc {
  report: DocumentReport;
  ranges: Map<number, HeldRange>;
}

/** Runner → worker, besides requests: forget what is held for a key. */
interface WorkerControl {
  forget: string;
}
type WorkerReply = { id: number; key: string; sections: SectionRef[]; ms: number } | { id: number; error: string };

/** Why a worker stopped, in words for the user. */
function workerDeathReason(err: unknown): string {
  const e = err as { code?: string; message?: string } | undefined;
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap limit|memory limit/i.test(e?.message ?? '')) return 'the checker ran out of memory on this note';
  return `the checker stopped (${e?.message ?? String(err)})`;
}

/** What the language server needs from a runner (tests substitute their own). */
export interface Runner {
  submit(job: CheckJob): Promise<CheckOutcome>;
  /** A document is closed: what is kept to report on it incrementally can go. */
  forget?(key: string): void;
  /** Start the worker now (it loads the checker), so that the first check does not wait for it. */
  prestart?(): void;
  dispose(): Promise<void>;
}

export class CheckRunner implements Runner {
  private readonly interactive: Entry[] = [];
  private readonly bulk: Entry[] = [];
  private running: Running | null = null;
  private worker: Worker | null = null;
  /** Section reports the worker has sent, by job key and reference (only those of the key's last reply). */
  private held = new Map<string, HeldDoc>();
  /** For inline checks: what is unchanged since the last check is not checked again (the worker has its own). */
  private readonly cache = new CheckCache();
  private nextId = 1;
  private disposed = false;
  private startError: string | null = null;
  private readonly staleKillMs: number;
  /** The worker started for this runner before it existed, until the runner takes it (ensureWorker). */
  private started: EarlyWorker | undefined;

  constructor(private readonly options: CheckRunnerOptions = {}) {
    this.staleKillMs = options.staleKillMs ?? 1500;
    this.started = options.workerScript ? options.started : undefined;
  }

  /** True when checks run in a worker thread (false: inline, only when no worker script was given). */
  get usesWorker(): boolean {
    return !!this.options.workerScript;
  }

  get pending(): number {
    return this.interactive.length + this.bulk.length + (this.running ? 1 : 0);
  }

  submit(job: CheckJob): Promise<CheckOutcome> {
    return new Promise<CheckOutcome>((resolve) => {
      if (this.disposed) {
        resolve({ status: 'failed', error: 'the checker has shut down' });
        return;
      }
      for (const queue of [this.interactive, this.bulk]) {
        for (let i = queue.length - 1; i >= 0; i--) {
          if (queue[i].job.key === job.key && queue[i].job.version <= job.version) {
            queue[i].resolve({ status: 'superseded' });
            queue.splice(i, 1);
          }
        }
      }
      const r = this.running;
      if (r && r.job.key === job.key && r.job.version < job.version && !r.stale) {
        r.stale = true;
        if (this.worker && this.usesWorker) {
          const left = Math.max(0, this.staleKillMs - (Date.now() - r.startedAt));
          r.killTimer = setTimeout(() => this.killStale(r), left);
        }
      }
      (job.bulk ? this.bulk : this.interactive).push({ job, resolve });
      this.pump();
    });
  }

  /** Stops the worker and answers every waiting job with "superseded". */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const e of [...this.interactive, ...this.bulk]) e.resolve({ status: 'superseded' });
    this.interactive.length = 0;
    this.bulk.length = 0;
    if (this.running) this.finish(this.running, { status: 'superseded' });
    const w = this.worker ?? this.started?.worker;
    this.worker = null;
    this.started = undefined;
    if (w) await w.terminate().catch(() => undefined);
  }

  private killStale(r: Running): void {
    if (this.running !== r || this.disposed) return;
    this.options.log?.(`calcnotes: a check of an outdated version ran over ${this.staleKillMs} ms; restarting the checker`);
    const w = this.worker;
    this.worker = null;
    this.finish(r, { status: 'superseded' });
    if (w) {
      w.removeAllListeners();
      w.on('error', () => undefined);
      void w.terminate().catch(() => undefined);
    }
    this.pump();
  }

  private finish(r: Running, outcome: CheckOutcome): void {
    if (r.killTimer) clearTimeout(r.killTimer);
    if (this.running === r) this.running = null;
    r.resolve(r.stale && outcome.status === 'done' ? { status: 'superseded' } : outcome);
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const e = this.interactive.shift() ?? this.bulk.shift();
    if (!e) return;
    const r: Running = { ...e, id: this.nextId++, startedAt: Date.now(), stale: false };
    this.running = r;
    if (this.usesWorker) {
      const w = this.ensureWorker();
      if (w) {
        const msg: WorkerRequest = { id: r.id, key: r.job.key, text: r.job.text, options: r.job.options };
        w.postMessage(msg);
      } else {
        // Never on the main thread: the job fails, and the next one tries a fresh worker.
        setImmediate(() => {
          if (this.running !== r) return;
          this.finish(r, { status: 'failed', error: this.startError ?? 'the checker could not be started' });
          this.pump();
        });
      }
      return;
    }
    setImmediate(() => this.runInline(r));
  }

  private runInline(r: Running): void {
    if (this.running !== r) return;
    const t0 = Date.now();
    let outcome: CheckOutcome;
    try {
      outcome = { status: 'done', report: checkDocument(r.job.text, r.job.options, this.cache), ms: Date.now() - t0 };
    } catch (err) {
      outcome = { status: 'failed', error: (err as Error)?.stack ?? String(err) };
    }
    this.finish(r, outcome);
    this.pump();
  }

  /** The whole report from a reply's sections; the key's held sections become exactly this reply's. */
  private assemble(key: string, sections: SectionRef[]): DocumentReport | null {
    const before = this.held.get(key);
    const out: DocumentReport = { fragments: [], claims: [], diagnostics: [] };
    const ranges = new Map<number, HeldRange>();
    for (const s of sections) {
      const range: HeldRange = { start: s.start, f: out.fragments.length, c: out.claims.length, d: out.diagnostics.length, nf: 0, nc: 0, nd: 0 };
      if (s.part) {
        // New: a copy of its own (the message's), moved in place from where it was checked.
        appendSection(out, moveReport(s.part, s.start - (s.base ?? 0)), 0);
      } else {
        // Held: the same objects from the last report when the section has not moved, moved copies otherwise.
        const old = before?.ranges.get(s.ref);
        if (!before || !old) return null;
        const shift = s.start - old.start;
        const r = before.report;
        const f = r.fragments.slice(old.f, old.f + old.nf);
        const c = r.claims.slice(old.c, old.c + old.nc);
        const d = r.diagnostics.slice(old.d, old.d + old.nd);
        appendSection(out, { fragments: f, claims: c, diagnostics: d }, shift);
      }
      range.nf = out.fragments.length - range.f;
      range.nc = out.claims.length - range.c;
      range.nd = out.diagnostics.length - range.d;
      ranges.set(s.ref, range);
    }
    this.held.set(key, { report: out, ranges });
    return out;
  }

  /** Starts the worker now, so it has loaded by the time the first check comes. */
  prestart(): void {
    if (this.usesWorker) this.ensureWorker();
  }

  /** A document was closed: both sides forget the sections held for it. */
  forget(key: string): void {
    this.held.delete(key);
    const msg: WorkerControl = { forget: key };
    this.worker?.postMessage(msg);
  }

  private ensureWorker(): Worker | null {
    if (this.worker) return this.worker;
    try {
      this.held.clear(); // a new worker has sent nothing yet
      const started = this.started;
      this.started = undefined;
      if (started?.stopped) this.options.log?.(`calcnotes: the checker started with the server stopped (${started.stopped}); starting another`);
      const w = started && !started.stopped ? started.worker : new Worker(this.options.workerScript as string, { resourceLimits: this.options.resourceLimits });
      w.unref();
      w.on('message', (reply: WorkerReply) => {
        if (this.worker !== w) return;
        // Sections are taken in from every reply of the live worker, so both sides agree on what is held.
        const report = 'sections' in reply ? this.assemble(reply.key, reply.sections) : null;
        const r = this.running;
        if (!r || r.id !== reply.id) return;
        if ('error' in reply) this.finish(r, { status: 'failed', error: reply.error });
        else this.finish(r, report ? { status: 'done', report, ms: reply.ms } : { status: 'failed', error: 'the checker referred to a section it never sent' });
        this.pump();
      });
      const onDeath = (why: string) => {
        if (this.worker !== w) return;
        this.worker = null;
        this.options.log?.(`calcnotes: ${why}; a fresh checker starts with the next check`);
        // The job that was running is not retried: it may be what killed the worker. It fails, saying why.
        if (this.running) this.finish(this.running, { status: 'failed', error: why });
        this.pump();
      };
      w.on('error', (err) => onDeath(workerDeathReason(err)));
      w.on('exit', (code) => onDeath(`the checker stopped (exit code ${code})`));
      this.worker = w;
      this.startError = null;
      return w;
    } catch (err) {
      this.startError = `the checker could not be started (${(err as Error).message})`;
      this.options.log?.(`calcnotes: ${this.startError}`);
      return null;
    }
  }
}

/** The worker's side: answer check requests until the thread is terminated. */
export function runCheckWorker(): void {
  const port = parentPort;
  if (!port) return;
  // The first request comes after the editor's handshake with the server: check a note of our own meanwhile (a
  // request that comes sooner waits for it, but most of its time is what the request's check would spend anyway).
  try {
    warmUp();
  } catch {
    // (A failing warm-up leaves the first real check to say what fails.)
  }
  // One cache for every document this worker checks: after an edit only changed fragments and claims are redone.
  const cache = new CheckCache();
  // Which section reports the runner holds, per key (those of the key's last reply), by reference number.
  const refs = new WeakMap<DocumentReport, number>();
  let nextRef = 1;
  const held = new Map<string, Set<number>>();
  // After the first check, once the worker has been idle a moment: the rest of the checkers (vectors, Taylor,
  // integrals…), so that the first such claim of the session does not pay for compiling them either.
  let moreWarm: ReturnType<typeof setTimeout> | null | 'done' = null;
  const warmMoreWhenIdle = () => {
    if (moreWarm !== null) return;
    moreWarm = setTimeout(() => {
      moreWarm = 'done';
      try {
        warmUp(true);
      } catch {
        // (as above)
      }
    }, 250);
  };
  port.on('message', (msg: WorkerRequest | WorkerControl) => {
    if (moreWarm !== null && moreWarm !== 'done') {
      clearTimeout(moreWarm);
      moreWarm = null;
    }
    if ('forget' in msg) {
      held.delete(msg.forget);
      return;
    }
    const t0 = Date.now();
    let reply: WorkerReply;
    try {
      const { starts, bases, parts } = checkSections(msg.text, msg.options, cache);
      const before = held.get(msg.key);
      const sections: SectionRef[] = parts.map((part, i) => {
        let ref = refs.get(part);
        if (ref === undefined) {
          ref = nextRef++;
          refs.set(part, ref);
        }
        return before?.has(ref) ? { start: starts[i], ref } : { start: starts[i], ref, part, base: bases[i] };
      });
      reply = { id: msg.id, key: msg.key, sections, ms: Date.now() - t0 };
    } catch (err) {
      reply = { id: msg.id, error: (err as Error)?.stack ?? String(err) };
    }
    try {
      port.postMessage(reply);
      if ('sections' in reply) held.set(msg.key, new Set(reply.sections.map((s) => s.ref)));
    } catch (err) {
      port.postMessage({ id: msg.id, error: `cannot send the report: ${(err as Error).message}` });
    }
    warmMoreWhenIdle();
  });
}
