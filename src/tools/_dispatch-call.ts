import { safeParseToolName } from '../identifiers/identifiers.js';
import type { SpanAttributeValue } from '../observability/tracing.js';
import { callerAbort } from './_abort-source.js';
import { CallContext } from './_call-context.js';
import { CallLifecycle, isThenable, W_POLICY, W_TOOL, W_VALIDATOR } from './_call-lifecycle.js';
import type { SchemaNode } from './_json-schema-node.js';
import { walkSchema } from './_json-schema-walk.js';
import { enqueue, inFlight, releaseSlot, type ToolEntry } from './_registry-state.js';
import { standardIssues } from './_standard-issues.js';
import {
  fromThrown,
  messageOf,
  registryClosed,
  toolAborted,
  toolDenied,
  toolFailed,
  toolInvalidInput,
  toolInvalidOutput,
  toolNotFound,
  toolOverloaded,
  toolTimeout,
} from './_tool-errors.js';
import { DEFAULT_MAX_SCHEMA_ISSUES } from './json-schema-check.js';
import { findSerialisationProblem } from './output-check.js';
import type { ToolPolicyHook, ToolPolicyRequest } from './registry.js';
import type { ToolCall, ToolContext, ToolResult } from './tool.js';

/**
 * One dispatch, run as a small state machine: each step runs synchronously
 * and hands over to {@link CallLifecycle} only when a validator, a hook or
 * the tool returns a promise, or the call has to wait for a slot. A
 * synchronous tool with no hooks costs a few allocations and no timer.
 */
export class DispatchCall extends CallLifecycle {
  input: unknown = undefined;
  policyIndex = 0;

  /** Runs the call as far as it goes synchronously; resolves with its result. */
  start(): Promise<ToolResult> {
    try {
      this.begin();
    } catch (error) {
      // A getter on the call or context threw; user code, not ours.
      this.fail(toolFailed(this, error));
    }
    const result = this.result;
    if (result !== undefined) return Promise.resolve(result);
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  private begin(): void {
    const state = this.state;
    const call = this.call as ToolCall | null | undefined;
    const name: unknown = call?.name;
    this.name = typeof name === 'string' ? name : '';
    const id: unknown = call?.id;
    if (typeof id === 'string') this.callId = id;
    if (state.metrics !== undefined) this.started = performance.now();
    if (state.tracing) this.openSpan();
    if (state.closed) {
      this.fail(registryClosed(this));
      return;
    }
    const entry = this.lookup(name);
    if (entry === null) return;
    this.entry = entry;
    this.input = call?.input;
    const abort = callerAbort(this.ctx);
    if (abort?.aborted) {
      this.fail(toolAborted(this, abort.reason));
      return;
    }
    const timeoutMs = this.ctx?.timeoutMs;
    if (typeof timeoutMs === 'number' && !Number.isNaN(timeoutMs)) this.timeoutMs = timeoutMs;
    if (this.timeoutMs <= 0) {
      this.fail(toolTimeout(this, this.timeoutMs));
      return;
    }
    this.validate(entry);
  }

  private openSpan(): void {
    const attributes: Record<string, SpanAttributeValue> = { 'tool.name': this.name };
    if (this.callId !== undefined) attributes['tool.call_id'] = this.callId;
    try {
      this.span = this.state.tracer.startSpan('tool.call', attributes, this.ctx?.span);
    } catch {
      // Tracers must not throw; a broken one costs the span, not the call.
    }
  }

  private lookup(name: unknown): ToolEntry | null {
    const tools = this.state.tools;
    if (typeof name === 'string') {
      const hit = tools.get(name);
      if (hit !== undefined) return hit;
    }
    // Names are matched the way they are registered: validated and trimmed.
    const parsed = safeParseToolName(name);
    if (!parsed.ok) {
      this.fail(toolNotFound(this, parsed.error));
      return null;
    }
    const entry = parsed.value === name ? undefined : tools.get(parsed.value);
    if (entry === undefined) {
      this.fail(toolNotFound(this));
      return null;
    }
    return entry;
  }

  private validate(entry: ToolEntry): void {
    const validator = entry.validator;
    if (validator === null) {
      const schema = entry.schema as SchemaNode;
      const issues = walkSchema(
        schema,
        this.input,
        DEFAULT_MAX_SCHEMA_ISSUES,
        this.state.maxJsonDepth,
      );
      if (issues.length > 0) {
        this.fail(toolInvalidInput(this, issues));
        return;
      }
      this.runPolicies(0);
      return;
    }
    let outcome: unknown;
    let pending: boolean;
    try {
      outcome = validator.validate(this.input);
      pending = isThenable(outcome);
    } catch (error) {
      this.failValidator(error);
      return;
    }
    if (pending) {
      this.wait(outcome as PromiseLike<unknown>, W_VALIDATOR);
      return;
    }
    this.afterValidator(outcome);
  }

  private failValidator(error: unknown): void {
    const issue = { path: '', message: `could not be validated: ${messageOf(error)}` };
    this.fail(toolInvalidInput(this, [issue], error));
  }

  private afterValidator(outcome: unknown): void {
    if (outcome === null || typeof outcome !== 'object') {
      this.failValidator(new TypeError('the validator returned no result'));
      return;
    }
    const { issues, value } = outcome as { issues?: unknown; value?: unknown };
    // Standard Schema: a present `issues` field means failure, whatever it holds.
    if (issues !== undefined) {
      this.fail(toolInvalidInput(this, standardIssues(issues)));
      return;
    }
    this.input = value;
    this.runPolicies(0);
  }

  private runPolicies(from: number): void {
    const hooks = this.state.policies;
    for (let i = from; i < hooks.length; i++) {
      let decision: unknown;
      let pending: boolean;
      try {
        decision = (hooks[i] as ToolPolicyHook)(this.policyRequest());
        pending = isThenable(decision);
      } catch (error) {
        this.fail(toolDenied(this, `a policy hook threw: ${messageOf(error)}`, undefined, error));
        return;
      }
      if (pending) {
        this.policyIndex = i;
        this.wait(decision as PromiseLike<unknown>, W_POLICY);
        return;
      }
      if (!this.applyDecision(decision)) return;
    }
    this.acquire();
  }

  private policyRequest(): ToolPolicyRequest {
    const request: { -readonly [K in keyof ToolPolicyRequest]: ToolPolicyRequest[K] } = {
      tool: (this.entry as ToolEntry).tool,
      call: this.call,
      input: this.input,
    };
    const principal = this.ctx?.principal;
    if (principal !== undefined) request.principal = principal;
    return request;
  }

  /** Applies a hook's verdict; false (and the call failed) when it denies. Anything but a decision denies. */
  private applyDecision(decision: unknown): boolean {
    try {
      if (decision !== null && typeof decision === 'object') {
        const { allow, input, reason, data, cause } = decision as Record<string, unknown>;
        if (allow === true) {
          if (input !== undefined) this.input = input;
          return true;
        }
        if (allow === false) {
          this.fail(
            toolDenied(this, typeof reason === 'string' ? reason : 'no reason given', data, cause),
          );
          return false;
        }
      }
    } catch (error) {
      this.fail(toolDenied(this, 'its decision could not be read', undefined, error));
      return false;
    }
    this.fail(toolDenied(this, 'a policy hook returned something other than a decision'));
    return false;
  }

  private acquire(): void {
    const state = this.state;
    const entry = this.entry as ToolEntry;
    if (state.closed) {
      this.fail(registryClosed(this));
      return;
    }
    const abort = callerAbort(this.ctx);
    if (abort?.aborted) {
      this.fail(toolAborted(this, abort.reason));
      return;
    }
    if (entry.active < state.maxConcurrent && entry.head === null) {
      entry.active++;
      this.holdsSlot = true;
      inFlight(state, entry, 1);
      this.invoke();
      return;
    }
    if (entry.waiting >= state.maxQueued) {
      this.fail(toolOverloaded(this, state.maxQueued));
      return;
    }
    enqueue(entry, this);
    this.track();
  }

  /** The gate gave this waiting call a slot. */
  granted(): void {
    if (this.result !== undefined) {
      releaseSlot(this.state, this.entry as ToolEntry, this);
      return;
    }
    this.invoke();
  }

  private invoke(): void {
    const state = this.state;
    const entry = this.entry as ToolEntry;
    // No closed check here: acquire() checked just before, and close() settles
    // waiting calls, which then give their granted slot straight back.
    let output: unknown;
    let pending: boolean;
    try {
      output = entry.tool.call(this.input, new CallContext(this) as unknown as ToolContext);
      pending = isThenable(output);
    } catch (error) {
      releaseSlot(state, entry, this);
      this.fail(fromThrown(this, error));
      return;
    }
    if (pending) {
      this.toolPending = true;
      this.wait(output as PromiseLike<unknown>, W_TOOL);
      return;
    }
    releaseSlot(state, entry, this);
    this.complete(output);
  }

  private complete(output: unknown): void {
    if (this.state.checkOutput) {
      const problem = findSerialisationProblem(output, this.state.outputLimits);
      if (problem !== undefined) {
        this.fail(toolInvalidOutput(this, problem.path, problem.reason));
        return;
      }
    }
    this.settle({ ok: true, output });
  }

  protected resumed(kind: number, value: unknown, rejected: boolean): void {
    try {
      if (kind === W_VALIDATOR) {
        if (rejected) this.failValidator(value);
        else this.afterValidator(value);
      } else if (kind === W_POLICY) {
        if (rejected) {
          this.fail(toolDenied(this, `a policy hook threw: ${messageOf(value)}`, undefined, value));
        } else if (this.applyDecision(value)) this.runPolicies(this.policyIndex + 1);
      } else if (rejected) this.fail(fromThrown(this, value));
      else this.complete(value);
    } catch (error) {
      this.fail(toolFailed(this, error));
    }
  }
}
