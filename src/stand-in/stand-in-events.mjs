/**
 * STAND-IN for Claude Code — not Claude. The stream-json events the stand-in writes, shaped like
 * the real claude CLI's (2.1.332): the same event kinds and field names, checked against transcripts
 * recorded from the real CLI (test/fixtures/transcripts/real-cli, test/unit/stand-in/stand-in-format).
 * Values are made up; only the shapes are claude's.
 */
import { randomUUID } from "node:crypto";

export const STAND_IN_VERSION = "2.1.332-stand-in";
const TOOLS = ["Task", "Bash", "Edit", "Glob", "Grep", "Read", "TodoWrite", "WebFetch", "Write"];
const SLASH_COMMANDS = ["compact", "context", "cost", "init", "review"];
const AGENTS = ["claude", "Explore", "general-purpose", "Plan", "statusline-setup"];

const now = () => new Date().toISOString();
const hexId = (length) => randomUUID().replaceAll("-", "").slice(0, length);

export function initEvent(run, { cwd, permissionMode, apiKeySource }) {
  return {
    type: "system",
    subtype: "init",
    cwd,
    session_id: run.sessionId,
    tools: TOOLS,
    mcp_servers: [],
    model: run.model,
    permissionMode,
    slash_commands: SLASH_COMMANDS,
    terminal_slash_commands: [],
    apiKeySource,
    claude_code_version: STAND_IN_VERSION,
    output_style: "default",
    agents: AGENTS,
    skills: [],
    plugins: [],
    capabilities: [],
    analytics_disabled: true,
    product_feedback_disabled: true,
    served_by_anthropic: false,
    uuid: randomUUID(),
    sandbox_enabled: false,
    memory_paths: { auto: `${process.env.HOME ?? "/home/agent"}/.claude/projects/stand-in/memory/` },
    original_cwd: cwd,
    additional_directories: [],
    messaging_socket_path: `/tmp/cc-socks/${process.pid}.sock`,
    fast_mode_state: "off",
    fast_mode_disabled_reason: "sdk_opt_in_required",
    per_turn_effort_active: true,
    ultrathink_available: false,
    ultrathink_typed_raises: false,
    view_mode: "default",
  };
}

/** A model turn: claude writes one assistant event per content block, all with the message's id and usage. */
export function modelTurn(run, blocks) {
  run.turns += 1;
  run.inputTokens += 120;
  run.outputTokens += 40;
  const messageId = `msg_standin_${hexId(20)}`;
  const requestId = `req_standin_${hexId(20)}`;
  return blocks.map((block) => ({
    type: "assistant",
    message: {
      id: messageId,
      type: "message",
      role: "assistant",
      model: run.model,
      content: [block],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 120, output_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      context_management: null,
    },
    parent_tool_use_id: null,
    session_id: run.sessionId,
    uuid: randomUUID(),
    timestamp: now(),
    request_id: requestId,
  }));
}

const ZERO_API_USAGE = () => ({
  output_tokens_details: null,
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
  service_tier: null,
  cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
  inference_geo: null,
  iterations: null,
  speed: null,
  fallback_credit: null,
});

/**
 * A message claude makes up itself (model "<synthetic>"): how it reports an API error or a refusal.
 * `api` carries the error's fields: error (kind), api_error_status, api_error_type, api_error, ...
 */
export function syntheticAssistant(run, text, { stopReason = "stop_sequence", ...api } = {}) {
  return {
    type: "assistant",
    message: {
      diagnostics: null,
      id: randomUUID(),
      container: null,
      model: "<synthetic>",
      role: "assistant",
      stop_details: null,
      stop_reason: stopReason,
      stop_sequence: "",
      type: "message",
      usage: ZERO_API_USAGE(),
      content: [{ type: "text", text }],
      context_management: null,
    },
    parent_tool_use_id: null,
    session_id: run.sessionId,
    uuid: randomUUID(),
    timestamp: now(),
    request_id: `req_standin_${hexId(20)}`,
    is_api_error_message: true,
    ...api,
  };
}

export function toolResultEvent(run, toolUseId, content, isError = false) {
  return {
    type: "user",
    message: { role: "user", content: [{ tool_use_id: toolUseId, type: "tool_result", content, is_error: isError }] },
    parent_tool_use_id: null,
    session_id: run.sessionId,
    uuid: randomUUID(),
    timestamp: now(),
    tool_use_result: { stdout: content, stderr: "", interrupted: false, isImage: false, noOutputExpected: false },
    tool_result_meta: [
      { id: toolUseId, permission_decision: { decision: "accept", source: "config", reason_type: "mode" } },
    ],
  };
}

/** The message claude adds, as the user, after a refused answer before it tries once more. */
export function refusalRetryMessage(run, refusedMessageId) {
  return {
    type: "user",
    message: {
      role: "user",
      content: [{ type: "text", text: "STAND-IN: your response above was stopped by a safety classifier." }],
    },
    parent_tool_use_id: null,
    session_id: run.sessionId,
    uuid: randomUUID(),
    timestamp: now(),
    isSynthetic: true,
    refused_message_id: refusedMessageId,
    refusal_retry: true,
  };
}

export function systemEvent(run, subtype, fields) {
  return { type: "system", subtype, ...fields, session_id: run.sessionId, uuid: randomUUID() };
}

export function rateLimitEvent(run, info) {
  return { type: "rate_limit_event", rate_limit_info: info, uuid: randomUUID(), session_id: run.sessionId };
}

function subagentStats() {
  return {
    spawned: 0,
    requested: { background: 0, foreground: 0, unset: 0 },
    started_in_background: 0,
    max_depth: 0,
    spawned_by_subagents: 0,
    completed: 0,
    failed: 0,
    killed: { parent: 0, user: 0, system: 0 },
    refused: { depth_limit: 0, concurrency_limit: 0, budget: 0 },
    by_type: {},
  };
}

function resultUsage(run, cacheRead) {
  return {
    input_tokens: run.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cacheRead,
    output_tokens: run.outputTokens,
    output_tokens_details: { thinking_tokens: 0 },
    server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
    service_tier: "standard",
    cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
    inference_geo: "",
    iterations: [],
    speed: "standard",
    fallback_credit: null,
  };
}

function modelUsageOf(run, cacheRead, costUsd) {
  if (run.turns === 0 || run.inputTokens === 0) return {};
  return {
    [run.model]: {
      inputTokens: run.inputTokens,
      outputTokens: run.outputTokens,
      cacheReadInputTokens: cacheRead,
      cacheCreationInputTokens: 0,
      webSearchRequests: 0,
      costUSD: costUsd,
      contextWindow: 200000,
      maxOutputTokens: 64000,
      thinkingTokens: 0,
      cacheCreationEphemeral5mInputTokens: 0,
      cacheCreationEphemeral1hInputTokens: 0,
      canonicalModel: run.model,
      provider: "firstParty",
      costBasis: "list",
    },
  };
}

/** The last line of a run; `fields` override (subtype, is_error, result, api_error_status, errors, ...). */
export function resultEvent(run, fields) {
  const cacheRead = run.inputTokens === 0 ? 0 : 2048;
  const costUsd = Number(((run.inputTokens * 3 + run.outputTokens * 15 + cacheRead * 0.3) / 1_000_000).toFixed(6));
  const modelUsage = modelUsageOf(run, cacheRead, costUsd);
  const event = {
    type: "result",
    subtype: "success",
    is_error: false,
    api_error_status: null,
    duration_ms: Date.now() - run.startedAt,
    duration_api_ms: Math.max(1, Math.floor((Date.now() - run.startedAt) * 0.8)),
    num_turns: run.turns,
    result: "",
    stop_reason: "end_turn",
    session_id: run.sessionId,
    total_cost_usd: run.inputTokens === 0 ? 0 : costUsd,
    usage: resultUsage(run, cacheRead),
    modelUsage,
    permission_denials: [],
    terminal_reason: "completed",
    fast_mode_state: "off",
    fast_mode_disabled_reason: "sdk_opt_in_required",
    subagent_stats: subagentStats(),
    safety_stops: 0,
    uuid: randomUUID(),
    queued_turn_count: 0,
    result_index: 0,
    model_usage_since_last_result: modelUsage,
    ...fields,
  };
  for (const [key, value] of Object.entries(event)) if (value === undefined) delete event[key];
  return event;
}

/** A successful result also reports how fast the first answer came. */
export function successResult(run, text) {
  const elapsed = Math.max(1, Date.now() - run.startedAt);
  return resultEvent(run, {
    result: text,
    ttft_ms: elapsed,
    ttft_stream_ms: elapsed,
    time_to_request_ms: Math.floor(elapsed / 2),
    first_content_frame_ms: elapsed,
  });
}

/** claude's answer to an API error: subtype success with is_error true (the trap), no cost. */
export function apiErrorResult(run, text, api) {
  return resultEvent(run, {
    is_error: true,
    result: text,
    stop_reason: "stop_sequence",
    terminal_reason: "api_error",
    duration_api_ms: 0,
    ...api,
  });
}

/** A run that ends before it starts (an unknown --resume id): claude's short result shape. */
export function earlyErrorResult(run, message) {
  return {
    type: "result",
    subtype: "error_during_execution",
    duration_ms: 0,
    duration_api_ms: 0,
    is_error: true,
    num_turns: 0,
    stop_reason: null,
    session_id: run.sessionId,
    total_cost_usd: 0,
    usage: { ...resultUsage(run, 0), input_tokens: 0, output_tokens: 0 },
    modelUsage: {},
    permission_denials: [],
    uuid: randomUUID(),
    errors: [message],
    result_index: 0,
  };
}
