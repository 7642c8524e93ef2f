/**
 * A progress line for long reports on a terminal: `analysing key 120/1000`, redrawn in place with `\r` and cleared
 * at the end, so that nothing of it stays in the terminal or mixes with the report. Only on a terminal: in a CI log
 * each `\r` update would be a line of its own. Pure: it writes through the function it is given.
 */

/** Apps with more keys than this get a progress line (smaller ones are analysed in a few seconds at most). */
export const PROGRESS_MIN_KEYS = 50;

export class ProgressLine {
  /** The length of the text on screen, so that clearing overwrites exactly it. */
  private shown = 0;

  /**
   * @param write writes text to the terminal as it is, without a line break (standard error)
   * @param total how many keys the report analyses
   */
  public constructor(private readonly write: (text: string) => void, private readonly total: number) {}

  /** Shows `analysing key N/TOTAL`, N counting from 1. */
  public show(n: number): void {
    const text = `analysing key ${n}/${this.total}`;
    // Spaces over what is left of a longer earlier text; then the cursor stays at the end of the line.
    this.write(`\r${text}${' '.repeat(Math.max(0, this.shown - text.length))}`);
    this.shown = text.length;
  }

  /** Blanks the line and returns the cursor to its start, so that the next output starts on a clean line. */
  public clear(): void {
    if (this.shown === 0) return;
    this.write(`\r${' '.repeat(this.shown)}\r`);
    this.shown = 0;
  }
}

/** The progress line for a report of `keys` keys: only on a terminal and only for more than PROGRESS_MIN_KEYS keys. */
export function progressFor(keys: number, isTTY: boolean | undefined, write: ((text: string) => void) | undefined): ProgressLine | undefined {
  return isTTY === true && write !== undefined && keys > PROGRESS_MIN_KEYS ? new ProgressLine(write, keys) : undefined;
}
