import { defineTool, type Tool } from 'skreaver';

/** What each reasoning tool returns: a summary, how sure it is, and what supports it. */
export interface RichResult {
  /** The step's text. */
  readonly summary: string;
  /** From 0 to 1. */
  readonly confidence: number;
  /** Supporting notes. */
  readonly evidence: readonly string[];
}

/** How many characters of its input `deduce` quotes as evidence. */
const EVIDENCE_PREFIX_CHARS = 100;
/** Input longer than this many UTF-8 bytes makes `conclude` call the chain's consistency high. */
const HIGH_CONSISTENCY_BYTES = 50;

function reasoningTool(name: string, run: (input: string) => RichResult): Tool<string, RichResult> {
  return defineTool({
    name,
    description: `The reasoning demo's deterministic '${name}' step: describes its input, with a fixed confidence.`,
    inputSchema: { type: 'string' },
    call: run,
  });
}

/** The `analyze` step (confidence 0.75, no evidence). */
export const analyzeTool = reasoningTool('analyze', (input) => ({
  summary: `Problem Analysis: Breaking down '${input.trim()}' into core components. Identifying key elements, constraints, and required approach for systematic resolution.`,
  confidence: 0.75,
  evidence: [],
}));

/** The `deduce` step (confidence 0.80; quotes the start of its input). */
export const deduceTool = reasoningTool('deduce', (input) => ({
  summary: `Logical Deduction: From the analysis of '${input.trim()}', applying reasoning principles and domain knowledge to derive intermediate conclusions and logical steps toward solution.`,
  confidence: 0.8,
  evidence: [`Input analysis: ${Array.from(input).slice(0, EVIDENCE_PREFIX_CHARS).join('')}`],
}));

/** The `conclude` step (confidence 0.85). */
export const concludeTool = reasoningTool('conclude', (input) => ({
  summary: `Conclusion Synthesis: Integrating analysis and deduction from '${input.trim()}' to form coherent conclusions. Evaluating completeness and logical consistency of reasoning.`,
  confidence: 0.85,
  evidence: [
    'Synthesis of prior reasoning steps',
    `Chain consistency: ${Buffer.byteLength(input, 'utf8') > HIGH_CONSISTENCY_BYTES ? 'High' : 'Medium'}`,
  ],
}));

/** The `reflect` step (confidence 0.90). */
export const reflectTool = reasoningTool('reflect', (input) => ({
  summary: `Reflective Analysis: Examining the complete reasoning process for '${input.trim()}'. Identifying strengths, potential gaps, and confidence in final conclusions. Meta-cognitive evaluation of solution quality.`,
  confidence: 0.9,
  evidence: [
    'Complete reasoning chain reviewed',
    'Meta-cognitive analysis applied',
    `Process completeness: ${input.includes('Problem:') && input.includes('chain:') ? 'Complete' : 'Partial'}`,
  ],
}));

/** The four tools, in the order the agent calls them. */
export const reasoningTools: readonly Tool[] = [analyzeTool, deduceTool, concludeTool, reflectTool];
