import { styleText } from 'node:util';

/** How the CLI marks words on a terminal: colour by severity, emphasis, and quiet text. */
export interface TextStyle {
  severity(severity: string, text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const PLAIN: TextStyle = { severity: (_s, text) => text, bold: (text) => text, dim: (text) => text };

type Format = Parameters<typeof styleText>[0];
const SEVERITY_FORMAT: Record<string, Format> = { critical: ['bold', 'red'], high: 'red', medium: 'yellow', low: 'cyan', info: 'dim' };

/**
 * Colour only for a person at a terminal: never when the output is a file or a pipe (a script
 * would read escape codes), never when NO_COLOR is set (https://no-color.org) or TERM is dumb.
 */
export function terminalStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): TextStyle {
  if (stream.isTTY !== true || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb') return PLAIN;
  return {
    severity: (severity, text) => {
      const format = SEVERITY_FORMAT[severity];
      return format === undefined ? text : styleText(format, text);
    },
    bold: (text) => styleText('bold', text),
    dim: (text) => styleText('dim', text),
  };
}

export const plainStyle = PLAIN;
