// Shared design tokens (colours, spacing, type) and the base look of form controls. Custom
// properties set on the app root inherit into every component's shadow root.
import { css } from 'lit'

export const tokens = css`
  :host {
    --bc-bg: #f5f6f8;
    --bc-surface: #ffffff;
    --bc-text: #1b1f24;
    --bc-muted: #57606a;
    --bc-border: #d0d7de;
    --bc-accent: #1f5fbf;
    --bc-accent-text: #ffffff;
    --bc-bubble-out: #dbe8fb;
    --bc-bubble-in: #ffffff;
    --bc-ok: #1a7f37;
    --bc-warn: #9a6700;
    --bc-danger: #b42318;
    --bc-danger-text: #ffffff;
    --bc-focus: #0b57d0;
    --bc-radius: 10px;
    --bc-space-1: 4px;
    --bc-space-2: 8px;
    --bc-space-3: 12px;
    --bc-space-4: 16px;
    --bc-space-6: 24px;
    --bc-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    --bc-mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
    --bc-max-width: 960px;
    color-scheme: light dark;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --bc-bg: #0d1117;
      --bc-surface: #161b22;
      --bc-text: #e6edf3;
      --bc-muted: #a3acb6;
      --bc-border: #30363d;
      --bc-accent: #58a6ff;
      --bc-accent-text: #0d1117;
      --bc-bubble-out: #1a3357;
      --bc-bubble-in: #21262d;
      --bc-ok: #3fb950;
      --bc-warn: #d29922;
      --bc-danger: #f85149;
      --bc-danger-text: #0d1117;
      --bc-focus: #79c0ff;
    }
  }
`

export const controls = css`
  :host { font-family: var(--bc-font); color: var(--bc-text); }
  * { box-sizing: border-box; }
  h2 { font-size: 1.25rem; margin: 0 0 var(--bc-space-3); }
  h3 { font-size: 1rem; margin: 0 0 var(--bc-space-2); }
  p { line-height: 1.45; }
  button, .button {
    font: inherit; cursor: pointer; border-radius: var(--bc-radius); padding: var(--bc-space-2) var(--bc-space-4);
    border: 1px solid var(--bc-accent); background: var(--bc-accent); color: var(--bc-accent-text);
    min-height: 40px; text-decoration: none; display: inline-flex; align-items: center; justify-content: center;
  }
  button.secondary, .button.secondary { background: transparent; color: var(--bc-accent); }
  button.danger { background: var(--bc-danger); border-color: var(--bc-danger); color: var(--bc-danger-text); }
  button:disabled { opacity: 0.6; cursor: default; }
  input, textarea {
    font: inherit; color: inherit; background: var(--bc-surface); border: 1px solid var(--bc-border);
    border-radius: var(--bc-radius); padding: var(--bc-space-2) var(--bc-space-3); width: 100%; min-height: 40px;
  }
  /* Themed like the inputs: left alone, a select keeps the light system look in the dark theme. */
  select { font: inherit; color: inherit; background: var(--bc-surface); border: 1px solid var(--bc-border);
    border-radius: var(--bc-radius); padding: 2px var(--bc-space-2); }
  label { display: block; font-weight: 600; margin-bottom: var(--bc-space-1); }
  a { color: var(--bc-accent); }
  :focus-visible { outline: 3px solid var(--bc-focus); outline-offset: 2px; }
  /* Headings take focus after navigation so screen readers start there; they are not controls. */
  h2[tabindex="-1"]:focus { outline: none; }
  code, .mono { font-family: var(--bc-mono); font-size: 0.85em; overflow-wrap: anywhere; }
  .muted { color: var(--bc-muted); }
  .error { color: var(--bc-danger); }
  .card {
    background: var(--bc-surface); border: 1px solid var(--bc-border); border-radius: var(--bc-radius);
    padding: var(--bc-space-4); margin-bottom: var(--bc-space-4);
  }
  .visually-hidden {
    position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; border: 0;
  }
`
