import { z } from 'zod';

/**
 * Adding and removing servers from the window. The bounds here only cap sizes; the Host checks
 * names, variables and the command with the same rules as `airlock servers add`, and says what
 * is wrong in words the form can show as they are.
 */

const VariableName = z.string().max(256);
const Value = z.string().max(32_768);
const MAX_VARIABLES = 200;
const fewVariables = (o: object): boolean => Object.keys(o).length <= MAX_VARIABLES;

export const AddServerParamsSchema = z.strictObject({
  name: z.string().max(200),
  command: z.string().max(4_096),
  args: z.array(Value).max(500),
  /** Non-secret variables, stored with the config. */
  env: z.record(VariableName, Value).refine(fewVariables, `give at most ${MAX_VARIABLES} variables`),
  /** Secret variables: the values go to the secret store only, and are never sent back. */
  secrets: z.record(VariableName, Value.min(1, 'a secret variable needs a value: fill it in, or remove the variable')).refine(fewVariables, `give at most ${MAX_VARIABLES} secrets`),
  /** Trust on first use: approve what the server lists the first time, instead of holding it for review. */
  approveOnFirstList: z.boolean(),
});

export const AddedServerSchema = z.object({
  name: z.string(),
  /** The names of the secrets stored; their values never leave the Host. */
  secretKeys: z.array(z.string()),
  approveOnFirstList: z.boolean(),
});
export type AddedServer = z.infer<typeof AddedServerSchema>;

/** A client config entry that starts a server through Airlock (`airlock connect NAME`). */
export const RoutingEntrySchema = z.object({
  client: z.string(),
  path: z.string(),
  entry: z.string(),
});
export type RoutingEntry = z.infer<typeof RoutingEntrySchema>;

export const RemovedServerSchema = z.object({
  name: z.string(),
  /** Client entries that still route to the removed server: they fail to start it until it is added again. */
  stillRoutedBy: z.array(RoutingEntrySchema),
});
export type RemovedServer = z.infer<typeof RemovedServerSchema>;
