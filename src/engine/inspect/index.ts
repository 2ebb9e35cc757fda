// Views of a trainer's network for the page, computed on the GPU in command
// encoders and buffers of their own and read back asynchronously: none
// touches the training state (parameters, metrics, clock, shuffling, step).
// Rate and spiking trainers alike (a spiking one through spikingTarget).
export { confusionMatrix } from './confusion-matrix';
export { firstLayerWeights, type LayerWeights } from './first-layer-weights';
export { coordinatesToNetworkInput, inputScale, type InputScale, toNetworkInput } from './input-scale';
export { predictGrid, type GridPrediction } from './predict-grid';
export { samplePredictions, type SamplePrediction } from './sample-predictions';
export { checkInspectable, INSPECT_CLOCK, spikingNoiseSeed } from './spiking-forward';
export { type AnyInspectTarget, type InspectOptions, type InspectTarget, isSpikingTarget, type SpikingInspectTarget, spikingTarget } from './target';
