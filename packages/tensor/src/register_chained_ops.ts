// Chained ops (`tf.zeros([2, 3]).reshape([6])`, `x.add(y).sum()`), registered on import as the
// union package `@tensorflow/tfjs` does: tfjs-core imported alone in Node registers none (its
// Node bundle leaves them out), so `tensor.reshape is not a function`. Like the gradients, the
// Node builds inline tfjs-core's extensionless ESM file (see tsup.config.ts); the methods go on
// the app's one Tensor class, which tfjs-core keeps on globalThis. Browser bundles import the
// file from the app's tfjs-core.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
