// A user-facing error: the message names the file and what to do; the CLI prints it without a stack.
export class UserError extends Error {
  override name = 'UserError';
}

/** The hint appended to every bad-input failure in `fail` mode. */
export const SKIP_HINT =
  'Fix the input, or rerun with --on-bad-input skip to skip such records (they are kept in rejected/ with their reason).';
