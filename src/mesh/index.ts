export type {
  BackpressureErrorData,
  BackpressureLevel,
  BackpressureMode,
  BackpressureOptions,
} from './backpressure.js';
export { backpressureLevel } from './backpressure.js';
export { createMesh } from './create-mesh.js';
export type { CreateMessageOptions, MessageTarget } from './create-message.js';
export { createMessage } from './create-message.js';
export type {
  DeadLetter,
  DeadLetterInput,
  DeadLetterListOptions,
  DeadLetterQueue,
  DeadLetterReason,
  DeadLetterStore,
  DeliveryFailure,
} from './dead-letter.js';
export type {
  MessageInvalidData,
  MessageInvalidReason,
  MessageTooLargeData,
} from './errors.js';
export { inMemoryDeadLetterStore } from './in-memory-dead-letter-store.js';
export type { InProcessMeshOptions } from './in-process/in-process-mesh.js';
export { inProcessMesh, inProcessTransport } from './in-process/in-process-mesh.js';
export type { InProcessNetwork, InProcessNetworkOptions } from './in-process/network.js';
export { inProcessNetwork } from './in-process/network.js';
export type { MessageLimits, ResolvedMessageLimits } from './limits.js';
export { DEFAULT_MESSAGE_LIMITS } from './limits.js';
export type {
  DeliveryContext,
  JoinOptions,
  Membership,
  Mesh,
  MeshEvent,
  MeshEventOf,
  MeshEventType,
  MessageHandler,
  QueueDepth,
  ReplyOptions,
  RequestDraft,
  RequestOptions,
  Subscription,
} from './mesh.js';
export type {
  AddressedDraft,
  AddressedMessage,
  BroadcastMessage,
  MeshMessage,
  MessageBase,
  MessageDraft,
  MessageHeaders,
  MessageKind,
  MessagePayload,
  TopicMessage,
} from './message.js';
export { binaryPayload, jsonPayload, newMessageId, textPayload } from './message.js';
export type { CreateMeshOptions, MeshClock, MeshMetricsRecorder, MeshOptions } from './options.js';
export { systemClock } from './options.js';
export type { GatherOptions, GatherResult } from './patterns/broadcast-gather.js';
export { broadcastGather } from './patterns/broadcast-gather.js';
export type {
  Pipeline,
  PipelineOptions,
  PipelineResult,
  PipelineStage,
  StageFailedData,
} from './patterns/pipeline.js';
export { createPipeline, PIPELINE_STAGE_HEADER } from './patterns/pipeline.js';
export type { RemoteErrorData, RequestTimeoutData } from './patterns/request-reply.js';
export {
  REPLY_ERROR_HEADER,
  REPLY_TO_HEADER,
  replyError,
  replyHandler,
} from './patterns/request-reply.js';
export type {
  Supervisor,
  SupervisorOptions,
  TaskFailedData,
  WorkerStats,
  WorkerStrategy,
} from './patterns/supervisor.js';
export { createSupervisor } from './patterns/supervisor.js';
export type {
  ChannelListener,
  ConsumeOptions,
  EnqueueResult,
  InvalidFrame,
  MeshTransport,
  PresenceStore,
  ReplyListener,
  TransportChannel,
  TransportConsumer,
  TransportDelivery,
  TransportSubscription,
} from './transport.js';
export type { DecodeMessageOptions } from './wire.js';
export { decodeMessage, encodeMessage, MESH_WIRE_VERSION, safeDecodeMessage } from './wire.js';
