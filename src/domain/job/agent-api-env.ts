/**
 * The variables under which a run's agent finds its caller's API: the URL and the run's token.
 * They carry Paperclip's names because Paperclip's agents (its skills, its CLI) read exactly these;
 * other callers get the same names, so every run pod has one shape, the server-env rule stays one
 * rule (`PAPERCLIP_*` is never inherited from the server pod) and messages read the same. This is
 * the one place the domain names them.
 */
export const AGENT_API_URL_ENV = "PAPERCLIP_API_URL";
export const AGENT_API_KEY_ENV = "PAPERCLIP_API_KEY";
