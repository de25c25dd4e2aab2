import { type KnownOptions, rejectUnknownOptions } from '../../_known-options.js';
import type { NonEmptyArray } from '../../collections/non-empty-array.js';
import { MeshError, ValidationError } from '../../errors/families.js';
import type { AgentId } from '../../identifiers/identifiers.js';
import { toFailure } from '../_runtime.js';
import { createMessage } from '../create-message.js';
import type { Mesh } from '../mesh.js';
import type { AddressedMessage, MessageHeaders, MessagePayload } from '../message.js';
import { newMessageId } from '../message.js';

/** The options createPipeline takes, checked against PipelineOptions. */
const PIPELINE_OPTIONS = {
  mesh: true,
  from: true,
  stages: true,
  stageTimeoutMs: true,
} satisfies KnownOptions<PipelineOptions>;

/** The header a pipeline puts on each stage's request: the stage name. */
export const PIPELINE_STAGE_HEADER = 'skreaver-stage';

/** One stage: an agent that answers requests with the next payload. */
export interface PipelineStage {
  /** A name for errors and dead letters. */
  readonly name: string;
  /** The agent that does the stage's work. */
  readonly agent: AgentId;
  /** The stage's reply timeout in milliseconds. @defaultValue the pipeline's `stageTimeoutMs` */
  readonly timeoutMs?: number;
}

/** Options of {@link createPipeline}. */
export interface PipelineOptions {
  /** The mesh. */
  readonly mesh: Mesh;
  /** The agent that drives the pipeline, joined on `mesh`. */
  readonly from: AgentId;
  /** The stages, in order. */
  readonly stages: NonEmptyArray<PipelineStage>;
  /** Default per-stage timeout, in milliseconds. @defaultValue 30000 */
  readonly stageTimeoutMs?: number;
}

/** The outcome of {@link Pipeline.run}. */
export interface PipelineResult {
  /** The last stage's reply payload. */
  readonly payload: MessagePayload;
  /** The last stage's reply. */
  readonly reply: AddressedMessage;
  /** The stages run, in order. */
  readonly stages: readonly string[];
}

/** The `data` of the `delivery_failed` a failed stage causes. */
export interface StageFailedData {
  /** Always `stage_failed`. */
  readonly reason: 'stage_failed';
  /** The failed stage's name. */
  readonly stage: string;
  /** Its position, from 0. */
  readonly index: number;
  /** The dead letter made for it, when the dead-letter queue accepted it. */
  readonly deadLetterId?: string;
}

/** A pipeline; see {@link createPipeline}. */
export interface Pipeline {
  /** The stages. */
  readonly stages: NonEmptyArray<PipelineStage>;
  /**
   * Sends `payload` through every stage: each stage's reply payload is the
   * next stage's input.
   * @throws `MeshError` `delivery_failed` when a stage fails or times out;
   *   the stage's request is dead-lettered with reason `stage_failed` and
   *   the stage named (`data` is a {@link StageFailedData}, `cause` the failure).
   */
  run(
    payload: MessagePayload,
    options?: { readonly headers?: MessageHeaders },
  ): Promise<PipelineResult>;
}

/**
 * A pipeline of agents, each stage a request with its own timeout.
 *
 * @throws `ValidationError` `invalid_input` for a stage without a name.
 * @example
 * ```ts
 * const pipeline = createPipeline({
 *   mesh,
 *   from: driver,
 *   stages: nonEmptyArray([
 *     { name: 'parse', agent: parser },
 *     { name: 'enrich', agent: enricher, timeoutMs: 2_000 },
 *   ]),
 * });
 * const { payload } = await pipeline.run(textPayload('raw input'));
 * ```
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  rejectUnknownOptions('createPipeline', options, PIPELINE_OPTIONS);
  const { mesh, from, stages } = options;
  const stageTimeoutMs = options.stageTimeoutMs ?? 30_000;
  for (const stage of stages) {
    if (typeof stage?.name !== 'string' || stage.name.length === 0) {
      throw new ValidationError('invalid_input', 'Every pipeline stage needs a non-empty name.', {
        data: { reason: 'invalid_stage' },
      });
    }
  }
  return {
    stages,
    async run(input, runOptions = {}) {
      let payload = input;
      let reply: AddressedMessage | undefined;
      const done: string[] = [];
      for (const [index, stage] of stages.entries()) {
        const id = newMessageId();
        const headers = { ...runOptions.headers, [PIPELINE_STAGE_HEADER]: stage.name };
        try {
          reply = await mesh.request(
            { id, from, to: stage.agent, payload, headers },
            { timeoutMs: stage.timeoutMs ?? stageTimeoutMs },
          );
        } catch (error) {
          throw await stageFailed(mesh, { id, from, payload, headers }, stage, index, error);
        }
        payload = reply.payload;
        done.push(stage.name);
      }
      return { payload, reply: reply as AddressedMessage, stages: done };
    },
  };
}

async function stageFailed(
  mesh: Mesh,
  draft: { id: string; from: AgentId; payload: MessagePayload; headers: MessageHeaders },
  stage: PipelineStage,
  index: number,
  error: unknown,
): Promise<MeshError<StageFailedData>> {
  let deadLetterId: string | undefined;
  try {
    const message = createMessage({ kind: 'request', to: stage.agent }, draft) as AddressedMessage;
    const entry = await mesh.deadLetters.add({
      message,
      agent: stage.agent,
      reason: 'stage_failed',
      error: toFailure(error),
      stage: stage.name,
    });
    deadLetterId = entry.id;
  } catch {
    // The stage's failure is what the caller needs; a refused dead letter (a closed mesh) must not hide it.
  }
  const data: StageFailedData =
    deadLetterId === undefined
      ? { reason: 'stage_failed', stage: stage.name, index }
      : { reason: 'stage_failed', stage: stage.name, index, deadLetterId };
  return new MeshError(
    'delivery_failed',
    `Pipeline stage "${stage.name}" (${stage.agent}) failed: ${toFailure(error).message}`,
    { data, cause: error },
  );
}
