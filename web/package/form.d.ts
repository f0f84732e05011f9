import type { Decision, Violation } from './types.js';
import type { Answer } from './src/core.js';

/** What `check` answers: a decision envelope, now or later. */
export type FormAnswer = Answer<Decision> | Promise<Answer<Decision>>;

export interface BindOptions {
  /** Control name (or id) → the violation path(s) it owns; else each control's `data-ocpolicy-path`. */
  fields?: Record<string, string | string[]>;
  /** Where violations that belong to no field are listed. */
  summary?: HTMLElement | null;
  /** The live region that announces the verdict and its first reason. */
  verdict?: HTMLElement | null;
  /** The pause after typing, in ms, before the value is checked (400). */
  delay?: number;
  /** Called when a submit is allowed; without it the form submits as usual. */
  onSubmit?: (answer: Answer<Decision>, values: Record<string, string>, event: SubmitEvent) => void;
}

export interface BoundForm {
  /** Check now, showing every field's violations. */
  validate(): Promise<Answer<Decision>>;
  /** The last answer. */
  readonly answer: Answer<Decision> | null;
  /** Remove the listeners and everything the binding added to the form. */
  destroy(): void;
}

/** Bind `check` to `form`; see the package's README. */
export function bindForm(
  form: HTMLFormElement,
  check: (values: Record<string, string>, form: HTMLFormElement) => FormAnswer,
  options?: BindOptions,
): BoundForm;

/** Does the field path `fieldPath` own the violation path `path`? */
export function owns(fieldPath: string, path: string): boolean;

/** The violations of an answer; an input error becomes one with the code `INPUT`. */
export function violationsOf(answer: Answer<Decision> | null | undefined): Violation[];

/** The verdict region's line: the verdict and the first reason. */
export function verdictText(answer: Answer<Decision> | null | undefined): string;
