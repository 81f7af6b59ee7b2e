// A separate bundle, imported by the tfjs children of sections that take gradients.
//
// tfjs-core's CommonJS build (what Node loads) registers no gradients, so `tf.grad` and
// `tf.variableGrads` fail on every op. Its ES-module files do register them, in
// `register_all_gradients`, but Node cannot load those files (the package is not marked as
// ESM). tsup bundles that module and the op code it needs into this file. The copy shares
// everything that matters with the CommonJS build: tfjs keeps its engine, its kernel and
// gradient registries and its Tensor class on the global object, so the gradients registered
// here are the ones the CommonJS `tf.grad` finds, and the ops they run dispatch to the same
// backend. Load this only after the CommonJS tfjs-core has started its engine.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
