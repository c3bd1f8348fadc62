import { InputError } from '../errors.js';

export type KeyPath = readonly (string | number)[];

/** A problem at a key path of the scenario; the loader turns the path into `file:line`. */
export class ScenarioError extends InputError {
  readonly path: KeyPath;

  constructor(path: KeyPath, message: string) {
    super(message, formatKeyPath(path));
    this.path = path;
  }
}

/** `fleet.pools[0].steps[3].from` */
export function formatKeyPath(path: KeyPath): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key),
    '',
  );
}
