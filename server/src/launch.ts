/**
 * How to start the language server: the Node options its clients pass (VS Code's client, the
 * bench, and the commands the README gives other editors).
 *
 * V8's young generation may grow to semi-spaces of 64 MB instead of Node's 16: a keystroke in a
 * 1 MB document or a document of an export makes some 10 MB of objects that are dropped soon
 * after; with 16 MB most of them are still alive at a young collection and get copied, then
 * promoted. Exports of 10,000 documents ran 10-25% faster with it (the README's benchmark section
 * has the figures). V8 fixes this size when the process starts, so the server cannot set it for
 * itself.
 */
export const SERVER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=64'];
