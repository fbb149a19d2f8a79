/**
 * How claude ends when it fails after starting: its turn limit, an API error, a subscription at its
 * usage limit, a refusal — each in the events and words the real CLI writes.
 */
import { randomUUID } from "node:crypto";
import {
  apiErrorResult,
  modelTurn,
  rateLimitEvent,
  refusalRetryMessage,
  resultEvent,
  syntheticAssistant,
  systemEvent,
} from "./stand-in-events.mjs";
import { emit, pause } from "./stand-in-io.mjs";

/** claude's result after its turn limit: num_turns counts the turn it stopped in, errors names the limit. */
export function maxTurnsResult(run, maxTurns) {
  run.turns += 1;
  return resultEvent(run, {
    subtype: "error_max_turns",
    is_error: true,
    result: undefined,
    api_error_status: undefined,
    stop_reason: "tool_use",
    terminal_reason: "max_turns",
    errors: [`Reached maximum number of turns (${maxTurns})`],
  });
}

/** An API error as claude reports it: a synthetic assistant message, then an error result. */
export async function apiFailure(run, text, api) {
  emit(syntheticAssistant(run, text, api));
  await pause();
  emit(apiErrorResult(run, text, { api_error_status: api.api_error_status, api_error_type: api.api_error_type }));
}

/** A subscription account at its 5-hour limit: claude's rate_limit_event and its own words. */
export async function quotaFailure(run) {
  const resetsAt = Math.floor(Date.now() / 1000) + 3600;
  const info = {
    status: "rejected",
    resetsAt,
    rateLimitType: "five_hour",
    overageStatus: "rejected",
    overageDisabledReason: "org_level_disabled",
    isUsingOverage: false,
    unifiedWindows: { five_hour: { utilization: 1, resetsAt, status: "rejected" } },
  };
  emit(rateLimitEvent(run, info));
  await pause();
  const clock = new Date(resetsAt * 1000).toISOString().slice(11, 16);
  const text = `You've hit your 5-hour limit · resets ${clock} (UTC)`;
  const api = { api_error_status: 429, api_error_type: "rate_limit_error" };
  const { unifiedWindows: _windows, ...params } = info;
  emit(
    syntheticAssistant(run, text, {
      error: "rate_limit",
      ...api,
      api_error: "usage_limit_reached",
      api_error_params: { rate_limit_info: params },
    }),
  );
  await pause();
  emit(apiErrorResult(run, text, { ...api, api_error: "usage_limit_reached" }));
}

/** The model refuses; claude notes it, asks once more as a synthetic user message, then gives up. */
export async function refusal(run) {
  const [first] = modelTurn(run, [{ type: "text", text: "STAND-IN: I can't help with that." }]);
  emit(first);
  await pause();
  emit(
    systemEvent(run, "informational", {
      content: "STAND-IN: the model's safeguards stopped the response above · continuing once with that noted",
      level: "notice",
    }),
  );
  emit(refusalRetryMessage(run, first.message.id));
  await pause();
  const [second] = modelTurn(run, [{ type: "text", text: "STAND-IN: I can't help with that." }]);
  emit(second);
  emit(
    systemEvent(run, "model_refusal_no_fallback", {
      original_model: run.model,
      request_id: second.request_id,
      api_refusal_category: null,
      api_refusal_explanation: null,
      refused_user_message_uuid: randomUUID(),
      content: "",
    }),
  );
  const text =
    "API Error: STAND-IN: the model's safeguards flagged this message (https://www.anthropic.com/legal/aup). Try rephrasing the request in a new session or change your model.";
  emit(
    syntheticAssistant(run, text, {
      stopReason: "refusal",
      error: "invalid_request",
      refused_message_id: second.message.id,
    }),
  );
  await pause();
  emit(
    resultEvent(run, {
      is_error: true,
      result: text,
      stop_reason: "refusal",
      terminal_reason: "api_error",
      safety_stops: 2,
    }),
  );
}
