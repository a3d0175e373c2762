// The ESM resolve hook behind allowSelfImport: the bare name `sluice` resolves to this package's public entry.
let entry = '';

export function initialize(data: { entry: string }): void {
  entry = data.entry;
}

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'sluice') return { url: entry, shortCircuit: true };
  return next(specifier, context);
}
