/**
 * The loopback Anthropic Messages API double: the model the real Claude Code CLI talks to in the
 * tests and in `npm run demo -- --real` without an API key. Not a model: scripted answers only.
 */
export {
  AnthropicApiDouble,
  byTurn,
  type MessagesCall,
  type RecordedRequest,
  type Responder,
} from "./anthropic-api-double.js";
export { apiErrors, reply, unifiedRejectedHeaders, type Reply, type ReplyBlock } from "./anthropic-replies.js";
export { promptOf, toolResultsOf, turnOf, type MessagesRequestBody } from "./conversation.js";
