import { addProblem, type SchemaNode } from './_json-schema-node.js';

/*
 * anyOf/oneOf edges check the same value again. A cycle made only of such
 * edges would recurse without consuming input, so the node closing the
 * cycle is marked as a problem and the checker stops there. Nodes compiled
 * earlier cannot reach the new ones, so only the new ones are searched.
 */
export function markApplicatorCycles(created: readonly SchemaNode[]): void {
  const state = new Map<SchemaNode, 1 | 2>();
  const fresh = new Set(created);
  for (const start of created) {
    if (state.has(start)) continue;
    const stack: { node: SchemaNode; edges: SchemaNode[]; next: number }[] = [];
    const push = (node: SchemaNode): void => {
      state.set(node, 1);
      stack.push({ node, edges: [...(node.anyOf ?? []), ...(node.oneOf ?? [])], next: 0 });
    };
    push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as (typeof stack)[number];
      const target = top.edges[top.next++];
      if (target === undefined) {
        state.set(top.node, 2);
        stack.pop();
      } else if (state.get(target) === 1) {
        const keyword = top.node.anyOf?.includes(target) ? 'anyOf' : 'oneOf';
        addProblem(
          top.node,
          keyword,
          'refers back to an enclosing schema without descending into the value',
        );
      } else if (!state.has(target) && fresh.has(target)) {
        push(target);
      }
    }
  }
}
