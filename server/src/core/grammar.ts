/** The names of the label grammar (markup.md section 2), one definition for every reader and writer. */

/** A type, attribute key: a letter, then letters, marks, digits, `_`, `-`, `.`. */
export const TYPE_NAME = /^\p{L}[\p{L}\p{M}\p{N}_.\-]*$/u;

/** An entity id (after `@`): letters, marks, digits, `_`, `-`, `.`, `:`. */
export const ENTITY_ID = /^[\p{L}\p{M}\p{N}_.\-:]+$/u;
