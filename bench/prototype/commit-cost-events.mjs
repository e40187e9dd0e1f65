export const decidedEvent = (i) => ({
  type: 'call.decided', server: 'everything', tool: 'echo', decision: 'ALLOW', rule: 'R5',
  approvedHash: `sha256:${'a'.repeat(64)}`, liveHash: `sha256:${'a'.repeat(64)}`,
  args: { message: 'hello through the airlock' },
  detail: { method: 'tools/call', code: 'policy.allowed', callId: i.toString(16).padStart(16, '0'), sessionId: 'abcdef123456', client: 'bench' },
});
export const finishedEvent = (i) => ({
  type: 'call.finished', server: 'everything', tool: 'echo', decision: 'ALLOW', rule: 'R6',
  response: { content: [{ type: 'text', text: 'Echo: hello through the airlock' }] },
  detail: { method: 'tools/call', code: 'response.allowed', latencyMs: 0.412, callId: i.toString(16).padStart(16, '0') },
});
