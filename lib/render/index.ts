/** Renderers: text (Terraform-like), Markdown (pull-request comment), JSON. They know nothing of HTTP. */
export { shouldColor } from './color';
export { renderPlanText, renderDriftText, formatApplySummary, formatDestroySummary } from './text';
export { renderPlanMarkdown, renderDriftMarkdown, type MarkdownOptions } from './markdown';
export { renderPlanJson, renderDriftJson } from './json';
export { planJsonSchema, driftJsonSchema } from './json-schema';
