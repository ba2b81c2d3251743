/** What a stored task token waits for; completions name it, so one wait's completion never takes another's token. */
export const FULL_LOAD_WAIT = 'full-load';
