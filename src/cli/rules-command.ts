// `plasticity rules`: what each learning rule is, straight from the registry.
import { RULES } from '../engine/rules/registry';
import type { Coefficients, Feedback, RuleSpec } from '../engine/rules/rule';
import { parseArgs } from './args';
import { EXIT } from './failures';
import { sci } from './format';
import { rulesHelp } from './help';

const PATHWAYS: Record<Feedback, string> = {
  transpose: 'W^T (weight transport)',
  backward: "each layer's own B",
  direct: 'output error straight to each layer via B',
  sign: 'kappa sign(W)^T',
};

export interface RuleListing {
  id: string;
  name: string;
  locality: RuleSpec['locality'];
  feedback: Feedback;
  feedbackPathway: string;
  coefficients: Coefficients;
  tied: boolean;
  tiedDecay: number | null;
  summary: string;
  citation: string;
}

export function ruleListing(rule: RuleSpec): RuleListing {
  return {
    id: rule.id,
    name: rule.name,
    locality: rule.locality,
    feedback: rule.feedback,
    feedbackPathway: PATHWAYS[rule.feedback],
    coefficients: { ...rule.regularizer },
    tied: rule.tied === true,
    tiedDecay: rule.tied ? (rule.tiedDecay ?? 0) : null,
    summary: rule.summary,
    citation: rule.citation,
  };
}

export function formatCoefficients(c: Coefficients): string {
  const entries = Object.entries(c).filter(([, v]) => v !== undefined);
  return entries.length ? entries.map(([k, v]) => `${k}=${sci(v as number)}`).join(',') : 'none';
}

export function rulesCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { json: 'switch', help: 'switch' }, 'rules');
  if (args.switches.has('help')) {
    process.stdout.write(rulesHelp());
    return EXIT.ok;
  }
  const listings = RULES.map(ruleListing);
  if (args.switches.has('json')) {
    process.stdout.write(`${JSON.stringify(listings, null, 2)}\n`);
    return EXIT.ok;
  }
  const rows = listings.map((r) => [
    r.id,
    r.name,
    r.locality,
    r.feedbackPathway,
    formatCoefficients(r.coefficients),
    r.tiedDecay === null ? '–' : sci(r.tiedDecay),
  ]);
  const header = ['ID', 'NAME', 'LOCALITY', 'FEEDBACK PATHWAY', 'COEFFICIENTS', 'TIED DECAY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(header)];
  listings.forEach((r, i) => {
    out.push(line(rows[i]!), `${' '.repeat(widths[0]! + 2)}${r.summary} (${r.citation})`);
  });
  process.stdout.write(`${out.join('\n')}\n`);
  return EXIT.ok;
}
