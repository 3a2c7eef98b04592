/** Backbeat feature toggles SDK: local evaluation, streamed updates, OpenFeature provider. */
export {};
