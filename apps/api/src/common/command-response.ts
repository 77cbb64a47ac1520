import type { Response } from 'express';
import type { CommandResult } from '@duban/application';

/** What every command answers: the item's new version, the global position and the item itself. */
export interface CommandResponse<View> {
  stream: string;
  version: number;
  /** Global position of the last event written, as a string (positions are 64-bit). */
  position: string;
  events: string[];
  /** True when this was a retry of a command already applied: nothing new was written. */
  replayed: boolean;
  item: View;
}

export function commandResponse<State, View>(res: Response, result: CommandResult<State>, view: (s: State) => View): CommandResponse<View> {
  res.setHeader('ETag', `"${result.version}"`);
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return {
    stream: result.stream,
    version: Number(result.version),
    position: result.position.toString(),
    events: result.events,
    replayed: result.replayed,
    item: view(result.state),
  };
}
