// `sluice stages`: every stage with its options, types and defaults, read from the option schemas.
import { z } from 'zod';
import { STAGES } from '../stages/index.js';

interface JsonSchemaProp {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}

function typeOf(p: JsonSchemaProp): string {
  if (p.enum) return p.enum.map((e) => JSON.stringify(e)).join(' | ');
  let t = p.type ?? 'any';
  if (p.minimum !== undefined && p.minimum > -Number.MAX_SAFE_INTEGER) t += ` >= ${p.minimum}`;
  if (p.maximum !== undefined && p.maximum < Number.MAX_SAFE_INTEGER) t += ` <= ${p.maximum}`;
  return t;
}

export function describeStages(): string {
  const out: string[] = [];
  for (const stage of Object.values(STAGES)) {
    out.push(`${stage.name} (${stage.kind}): ${stage.description}`);
    const schema = z.toJSONSchema(stage.options, { io: 'input' }) as { properties?: Record<string, JsonSchemaProp> };
    const props = Object.entries(schema.properties ?? {});
    if (props.length === 0) out.push('  (no options)');
    for (const [name, p] of props) {
      const def = p.default === undefined ? '' : ` = ${JSON.stringify(p.default)}`;
      out.push(`  ${name}: ${typeOf(p)}${def}${p.description ? `  -- ${p.description}` : ''}`);
    }
    out.push('');
  }
  return out.join('\n');
}
