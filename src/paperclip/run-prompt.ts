/**
 * Builds the run's prompt the way Paperclip's own Claude adapter does, from adapter-utils'
 * helpers: the bootstrap template (fresh sessions only), the wake prompt, the session handoff, the
 * task markdown, and the agent's prompt template.
 */
import {
  DEFAULT_PAPERCLIP_AGENT_PROMPT_TEMPLATE,
  isPaperclipRecoveryWakePayload,
  joinPromptSections,
  renderPaperclipWakePrompt,
  renderTemplate,
  selectPaperclipTaskMarkdown,
} from "@paperclipai/adapter-utils/server-utils";

export interface BuiltPrompt {
  readonly prompt: string;
  readonly metrics: Record<string, number>;
}

export function buildRunPrompt(input: {
  readonly agent: { id: string; companyId: string; name: string };
  readonly runId: string;
  readonly context: Record<string, unknown>;
  readonly promptTemplate: string;
  readonly bootstrapPromptTemplate: string;
  readonly sessionHandoffMarkdown: string;
  readonly resumingSession: boolean;
}): BuiltPrompt {
  const { context, resumingSession } = input;
  const templateData = {
    agentId: input.agent.id,
    companyId: input.agent.companyId,
    runId: input.runId,
    company: { id: input.agent.companyId },
    agent: input.agent,
    run: { id: input.runId, source: "on_demand" },
    context,
  };
  const bootstrap =
    !resumingSession && input.bootstrapPromptTemplate.trim().length > 0
      ? renderTemplate(input.bootstrapPromptTemplate, templateData).trim()
      : "";
  const taskMarkdown = selectPaperclipTaskMarkdown(context, { resumedSession: resumingSession });
  const wake = renderPaperclipWakePrompt(context.paperclipWake, {
    resumedSession: resumingSession,
    conversationMode: context.conversationMode === true,
    suppressIssueDescription: taskMarkdown.length > 0,
  });
  // A resumed session already knows the standing instructions: send only what is new.
  const skipTemplate = (resumingSession && wake.length > 0) || isPaperclipRecoveryWakePayload(context.paperclipWake);
  const template =
    input.promptTemplate.trim().length > 0 ? input.promptTemplate : DEFAULT_PAPERCLIP_AGENT_PROMPT_TEMPLATE;
  const heartbeat = skipTemplate ? "" : renderTemplate(template, templateData);
  const prompt = joinPromptSections([bootstrap, wake, input.sessionHandoffMarkdown, taskMarkdown, heartbeat]);
  return {
    prompt,
    metrics: {
      promptChars: prompt.length,
      bootstrapPromptChars: bootstrap.length,
      wakePromptChars: wake.length,
      sessionHandoffChars: input.sessionHandoffMarkdown.length,
      taskContextChars: taskMarkdown.length,
      heartbeatPromptChars: heartbeat.length,
    },
  };
}
