// The guided lessons. Every number a text quotes is one we measured, taken through
// `measured()` so that catalogue.test.ts can check it against the report it came from;
// where the lab cannot reproduce a measured setting (a cosine schedule, B's own
// learning rate, white-noise input), the text says so.
//
// Presets are kept laptop-sized: MNIST lessons train on the first 10,000 images for at
// most 5 epochs and test on 2,000; spiking ones repeat the spiking benchmark's short
// setting (6,000 / 1,000 images, one epoch), so its numbers apply to them; the 2-D sets
// are a few hundred points.
import { DEFAULT_EXPERIMENT, defaultExperiment, type Experiment, type ExperimentDataset, type LessonPlace } from '../experiment/experiment';
import type { Lesson, LessonLevel, LessonStep } from './lesson';

// ---- measurements the texts quote ----

/** A value quoted from a report: where it stands, so a test can find it there. */
export interface Measurement {
  /** The file, from the repository root. */
  readonly file: string;
  /** The '## ' section of a Markdown report; null for a source file's comment. */
  readonly section: string | null;
  /** What picks out the line: a table row's first cell, or a phrase of the comment. */
  readonly row: string;
  /** The value, as the report writes it. */
  readonly value: string;
  /** For a table with a row per rule and dataset: the dataset the row must list in its second cell. */
  readonly dataset?: string;
}

const quoted: Measurement[] = [];

/** Every value the lessons quote, with its source. */
export const MEASUREMENTS: readonly Measurement[] = quoted;

const RULES_MD = 'bench/results/rules.md';
// The spiking lessons' own setting: one epoch on a subset at a constant rate, as the page runs it.
const SNN_MD = 'bench/results/snn-subset/snn.md';
const RULE_PRESETS = 'bench/rule-presets.ts';

/** `value` as `file` reports it for `row`; recorded for the test. */
function measured(file: string, section: string | null, row: string, value: string, dataset?: string): string {
  quoted.push(dataset === undefined ? { file, section, row, value } : { file, section, row, value, dataset });
  return value;
}

const mnist = (run: string, value: string) => measured(RULES_MD, 'MNIST', run, value);
const setting = (run: string, value: string) => measured(RULES_MD, 'Settings of each run', run, value, 'MNIST');
const snn = (run: string, value: string) => measured(SNN_MD, 'Accuracy', run, value);

// 10 epochs on all of MNIST, 784-256-256-10, each rule at its own preset (bench/results/rules.md).
const BENCH = {
  bp: { acc: mnist('bp', '98.15%') },
  fa: {
    acc: mnist('fa', '97.66%'),
    start: mnist('fa', '89.0°'),
    top: mnist('fa', '63.7°'),
    // Final angles, layer 1 / layer 2 / top.
    layers: [mnist('fa', '90.1°'), mnist('fa', '85.7°'), mnist('fa', '63.7°')],
    lr: setting('fa', '0.05'),
  },
  ss: { acc: mnist('ss', '97.94%'), start: mnist('ss', '30.2°'), top: mnist('ss', '32.2°') },
  wm: { diverged: mnist('wm (diverged)', '–'), coefficients: setting('wm', 'decay=1e-3,amp=1e-3'), input: setting('wm', 'layer activity'), feedbackLr: setting('wm', '0.5') },
  wmTuned: { acc: mnist('wm-tuned', '97.81%'), top: mnist('wm-tuned', '2.1°') },
  ia: {
    acc: mnist('ia', '97.30%'),
    start: mnist('ia', '89.0°'),
    top: mnist('ia', '70.6°'),
    // Final angles of the hidden layers, 1 and 2.
    hidden: [mnist('ia', '63.5°'), mnist('ia', '56.3°')],
    optimizer: setting('ia', 'adam'),
    lr: setting('ia', '1e-3'),
  },
  sa: { acc: mnist('sa', '97.88%'), top: mnist('sa', '0.6°') },
  kp: { acc: mnist('kp', '98.17%'), start: mnist('kp', '89.0°'), top: mnist('kp', '14.9°'), tiedDecay: setting('kp', '0.01') },
};

// Short runs behind the benchmark's presets (comments in bench/rule-presets.ts).
const SHORT_RUNS = {
  wmBlewUp: measured(RULE_PRESETS, null, 'wm defaults, B lr 0.01', 'blew up in epoch 2'),
  wmB: measured(RULE_PRESETS, null, 'wm defaults, B lr 0.01', '1e5'),
  wmLoss: measured(RULE_PRESETS, null, 'wm defaults, B lr 0.01', '58'),
  iaNan: measured(RULE_PRESETS, null, "IA's loss went NaN", '0.03'),
};

// One epoch on the first 6,000 MNIST images, tested on 1,000: 784-256-10, T = 25, Poisson, constant rate (bench/results/snn-subset/snn.md).
const SNN = {
  examples: snn('surrogate-bp', '6000 / 1000'),
  surrogateBp: snn('surrogate-bp', '79.10%'),
  surrogateFa: snn('surrogate-fa', '63.10%'),
  bpstdp: snn('bpstdp', '77.60%'),
  bpstdpExamples: snn('bpstdp', '6000 / 1000'),
  surrogateFaExamples: snn('surrogate-fa', '6000 / 1000'),
};

/** The difference of two quoted accuracies ('79.10%', '63.10%'), in percentage points ('16.0'). */
function points(a: string, b: string): string {
  return (parseFloat(a) - parseFloat(b)).toFixed(1);
}

// ---- presets ----

type Overrides = Partial<Omit<Experiment, 'lesson'>>;

/** A rate network on the first 10,000 MNIST images, tested on 2,000; 5 epochs (the default). */
function mnistRun(o: Overrides): Experiment {
  return { ...DEFAULT_EXPERIMENT, trainSubset: 10_000, testSubset: 2_000, ...o };
}

/** The spiking benchmark's short setting: 784-256-10 LIF, T = 25, Poisson, one epoch on 6,000 images. */
function spikingRun(o: Overrides): Experiment {
  return { ...defaultExperiment('spiking'), trainSubset: 6_000, testSubset: 1_000, epochs: 1, ...o };
}

/** A 2-D classroom set: a few hundred points, small batches, many epochs, the decision boundary first. */
function planeRun(dataset: ExperimentDataset, o: Overrides): Experiment {
  return {
    ...DEFAULT_EXPERIMENT,
    dataset,
    trainSubset: 800,
    testSubset: 200,
    batchSize: 32,
    optimizer: { ...DEFAULT_EXPERIMENT.optimizer, lr: 0.03 },
    views: ['boundary', 'accuracy', 'loss'],
    ...o,
  };
}

/** A lesson whose steps' presets carry their place ({ id, step }), frozen. */
function lesson(id: string, title: string, level: LessonLevel, summary: string, steps: LessonStep[]): Lesson {
  const placed = steps.map((s, step) => ({ ...s, preset: { ...s.preset, lesson: { id, step } } }));
  return deepFreeze({ id, title, summary, level, steps: placed });
}

// ---- the lessons ----

const weightTransport = lesson(
  'weight-transport',
  'Backprop needs weight transport',
  'introductory',
  'What the backward pass of backprop uses, why a brain could not simply do the same, and what is lost when the backward weights are random or keep only their signs.',
  [
    {
      title: 'What the backward pass uses',
      text:
        'A network learns by nudging every weight in the direction that lowers its error. ' +
        'Backprop finds those directions by sending the output error back down, layer by layer, through Wᵀ, the transposes of the very weights the forward pass used. ' +
        'In a brain the backward signal would have to travel along other synapses, so each of them would need to know the strength of its forward twin: this is the weight transport problem. ' +
        'The angles chart plots ∠(W, Bᵀ), the angle between a layer’s forward weights W and the backward weights B that carry its error; for backprop B is Wᵀ, so the angle is 0° by definition.',
      preset: mnistRun({ rule: 'bp' }),
      watch: 'The loss falling and the test accuracy rising over 5 epochs on 10,000 MNIST images; on the angles chart, every layer’s line stays at 0°.',
      question: 'Write the error signal that backprop sends from layer l down to layer l − 1. Which quantity in it would a backward synapse have to copy from the forward pathway?',
      answer:
        'δ_{l−1} = (W_lᵀ δ_l) ⊙ f′(a_{l−1}). It uses W_l itself: every backward connection must have the same strength as the matching forward one, ' +
        'and follow it whenever the forward weight changes. Keeping that copy is the weight transport that the other rules in this lab try to avoid, in full or in part.',
    },
    {
      title: 'Swap Wᵀ for a fixed random matrix',
      text:
        'Feedback alignment (Lillicrap et al. 2016) sends the error down through a fixed random matrix B instead of Wᵀ, so no weight is ever copied. ' +
        'Both runs start from the same seed and the same initial forward weights, and share every other setting. ' +
        `In our 10-epoch benchmark on all 60,000 MNIST images (784-256-256-10, each rule at its own tuned learning rate), backprop reached ${BENCH.bp.acc} test accuracy and feedback alignment ${BENCH.fa.acc}. ` +
        'This run is much shorter, so expect lower numbers for both and watch the size of the gap.',
      preset: mnistRun({ rule: 'bp', compare: ['bp', 'fa'] }),
      watch: 'The two accuracy curves: how far apart they are, and whether the gap closes. On the angles chart backprop stays at 0° while feedback alignment starts near 90°.',
      question: 'Feedback alignment’s backward weights are random. How can a random error signal still teach the hidden layers anything useful?',
      answer:
        'The output layer still learns from the true error. The hidden layers move in the direction B δ, and the output weights adapt to the features that creates, ' +
        'so W turns towards Bᵀ. As it does, the error B δ tends to point within 90° of the one backprop would send, so the hidden layers’ updates still go downhill on the loss. ' +
        'The lesson “Feedback alignment” watches this happen.',
    },
    {
      title: 'Keep only the signs',
      text:
        'Sign symmetry (Liao, Leibo & Poggio 2016) uses B = κ sign(W)ᵀ: each backward weight knows whether its forward twin is positive or negative, but not how large it is (κ is one fixed scale per layer). ' +
        'So it still transports one bit per synapse, and must flip whenever a forward weight changes sign. ' +
        `In our benchmark it reached ${BENCH.ss.acc} on MNIST, against backprop’s ${BENCH.bp.acc} and feedback alignment’s ${BENCH.fa.acc}, and its top layer’s angle started at ${BENCH.ss.start} and ended at ${BENCH.ss.top}.`,
      preset: mnistRun({ rule: 'bp', compare: ['bp', 'fa', 'ss'] }),
      watch: 'Where the sign-symmetry accuracy curve falls between the other two, and its angles: near 30° to 40° from the very start, not 90°.',
      question: 'Why does sign(W)ᵀ start so close to Wᵀ (about 30° to 40°) when a random B starts near 90°?',
      answer:
        'sign(w) agrees with w in every entry, so their dot product is Σ|w_i|, always positive. For normally distributed weights the cosine is √(2/π) ≈ 0.80, about 37°, ' +
        'where this lab’s hidden layers start; the output layer draws its weights uniformly, where the cosine is √3/2, 30°. A random B has no such agreement with W, so the cosine is near 0.',
    },
  ],
);

const feedbackAlignment = lesson(
  'feedback-alignment',
  'Feedback alignment: the forward weights learn to align',
  'introductory',
  'Under feedback alignment the backward weights never change, yet the forward weights turn towards them. Watch ∠(W, Bᵀ) fall from about 90°, layer by layer, and compare with Kolen-Pollack, whose B learns too.',
  [
    {
      title: 'Watch the angle fall',
      text:
        'Two random matrices with thousands of entries are almost perpendicular, so at the start ∠(W, Bᵀ) is close to 90° in every layer. ' +
        'Under feedback alignment B never changes; only the forward weights W learn. ' +
        `Yet in our 10-epoch MNIST benchmark the output layer’s angle fell from ${BENCH.fa.start} to ${BENCH.fa.top}: the forward weights turned towards the fixed feedback. ` +
        'That run also used a small weight decay, which shrinks the random part W started with and so helps the angle fall; this run has none and is much shorter, so expect a smaller fall.',
      preset: mnistRun({ rule: 'fa', views: ['angles', 'accuracy', 'loss'] }),
      watch: 'The top layer’s line on the angles chart (the output layer, whose B carries the error to the last hidden layer) coming down from near 90° as the accuracy rises.',
      question: 'Why does the angle start near 90°, and why does it matter for learning when it falls below 90°?',
      answer:
        'Independent random vectors in many dimensions are nearly orthogonal. As W turns towards Bᵀ, the error B δ that reaches the hidden layer comes to agree, on average, ' +
        'with the Wᵀ δ that backprop would send, so the hidden layers’ updates start to lower the loss; Lillicrap et al. (2016) named this feedback alignment.',
    },
    {
      title: 'Layer by layer',
      text:
        'The angles chart has one line per layer. ' +
        `After the 10 benchmark epochs the angles from the first layer to the top were ${BENCH.fa.layers[0]}, ${BENCH.fa.layers[1]} and ${BENCH.fa.layers[2]}. ` +
        'The first layer’s B would send an error to the input pixels, which have nothing to learn, so the engine never uses it. ' +
        'This run uses another seed, so another random B and other starting weights: check whether the same pattern appears.',
      preset: mnistRun({ rule: 'fa', seed: 2, views: ['angles', 'accuracy'] }),
      watch: 'The three lines of the angles chart, and their order from the first layer to the top.',
      question: 'Why does the first layer’s angle stay near 90°? And why might the middle layer align so much less than the top one?',
      answer:
        'Nothing pulls W₁ towards B₁, since B₁ is never used. For the middle layer there are two likely reasons, which our measurements do not separate: ' +
        'it is a 256 × 256 matrix (65,536 weights) against the output layer’s 10 × 256 (2,560), so its random start takes more learning to outweigh, ' +
        'and the error it learns from has already passed through one random matrix.',
    },
    {
      title: 'Let B learn too: Kolen-Pollack',
      text:
        'Kolen-Pollack (Kolen & Pollack 1994; Akrout et al. 2019) starts from a random B like feedback alignment, but at every step gives B the same change as W, transposed, and lets both decay a little. ' +
        'The learned parts of W and Bᵀ are then identical, so the angle falls as they grow, and the decay slowly wears away the random parts they started from. ' +
        `In our benchmark its top layer’s angle fell from ${BENCH.kp.start} to ${BENCH.kp.top}, against ${BENCH.fa.top} for feedback alignment, with a decay of ${BENCH.kp.tiedDecay}; the lab uses the rule’s default, 0.002, which is five times weaker.`,
      preset: mnistRun({ rule: 'fa', compare: ['fa', 'kp'], views: ['angles', 'accuracy'] }),
      watch: 'The two runs’ top-layer angles: which falls faster, and how far. Then their accuracy curves.',
      question: 'Kolen-Pollack aligns B with W without ever copying W. What does it need instead, and is that more plausible for a brain?',
      answer:
        'It needs every backward synapse to receive exactly the same update as its forward twin, at every step. That update is built from activity at the two ends of the connection, ' +
        'but keeping the two pathways in lockstep is still a strong assumption, and this lab classes the rule as non-local. ' +
        `In our benchmark it reached ${BENCH.kp.acc}, close to backprop’s ${BENCH.bp.acc}.`,
    },
  ],
);

const mirrorVsInformation = lesson(
  'mirror-vs-information',
  'Weight mirror is fragile; information alignment less so',
  'advanced',
  'Two rules that learn B from signals at the layer itself. In our measurements weight mirror at its default settings blew up, while information alignment stayed stable but learned less than fixed random feedback.',
  [
    {
      title: 'Weight mirror at its defaults',
      text:
        'Weight mirror (Akrout et al. 2019) trains B from signals at the layer itself: it pulls B towards E[x yᵀ], the correlation between the layer’s input x and its output y = Wx, while a decay term keeps B from growing. ' +
        'If x were white noise, that correlation would be a multiple of Wᵀ, exactly what B should copy. ' +
        'This preset drives it with the layer’s own activity and the default coefficients of Kunin et al.’s code (decay 0.001, amp 0.001), and B learns at W’s learning rate. ' +
        `In our runs with these coefficients, with B’s learning rate at 0.01 and at ${BENCH.wm.feedbackLr}, weight mirror diverged both times: the short run ${SHORT_RUNS.wmBlewUp}, with the size of the top layer’s B near ${SHORT_RUNS.wmB} and the loss at ${SHORT_RUNS.wmLoss}.`,
      preset: mnistRun({ rule: 'wm', views: ['loss', 'angles', 'accuracy'] }),
      watch: 'The loss: does it stay down, or climb and blow up as in our runs? On the angles chart, how far the angles get before that.',
      question: 'ReLU activity is never negative, so it has a large mean. What does that do to the correlation E[x yᵀ] that weight mirror copies into B?',
      answer:
        'E[x yᵀ] = E[x xᵀ] Wᵀ. With a large mean, E[x xᵀ] has one very large eigenvalue along the mean, so the B it produces is both turned away from Wᵀ and many times larger than W; ' +
        'that oversized B sends oversized errors down, and under SGD the run blows up. Changing the two coefficients only rescales B, not its direction. ' +
        `Akrout et al. drive the mirror with white noise instead: with noise, amp 0.002 and B’s own learning rate, our tuned weight mirror reached ${BENCH.wmTuned.acc} with a ${BENCH.wmTuned.top} top-layer angle. ` +
        'The lab cannot switch B’s input to noise; the command line can (--feedback-input noise).',
    },
    {
      title: 'Information alignment adds a brake',
      text:
        'Information alignment (Kunin et al. 2020) keeps weight mirror’s two terms and adds a third, “null”, which penalises ‖B y‖², the size of what B sends back when fed the layer’s own output. ' +
        'Weight mirror’s pull on B grows with the size of the activity while its decay does not, so large activity makes a large B; the null term grows with the activity just as the pull does, so B’s size depends far less on it. ' +
        `With its default coefficients it still needed care: in a short run under momentum SGD at a learning rate of ${SHORT_RUNS.iaNan} its loss went NaN. ` +
        `In our 10-epoch benchmark, under ${BENCH.ia.optimizer} at ${BENCH.ia.lr}, it reached ${BENCH.ia.acc}, just below fixed random feedback’s ${BENCH.fa.acc}; its top layer’s angle fell from ${BENCH.ia.start} to ${BENCH.ia.top}, its hidden layers’ to ${BENCH.ia.hidden[0]} and ${BENCH.ia.hidden[1]}.`,
      preset: mnistRun({ rule: 'ia', views: ['loss', 'angles', 'accuracy'] }),
      watch: 'The loss and the angles, against what you saw for weight mirror: is it stable, and how far do the angles fall?',
      question: 'Information alignment did not blow up, yet in our benchmark it ended below feedback alignment. Is it better than weight mirror? Better than feedback alignment?',
      answer:
        `More stable than weight mirror, yes: at the default coefficients weight mirror blew up in our runs and information alignment did not, though it too went NaN in a short run at a learning rate of ${SHORT_RUNS.iaNan} started without a warm-up. ` +
        `Better at learning than feedback alignment, not on our evidence: after 10 MNIST epochs it was a little behind (${BENCH.ia.acc} against ${BENCH.fa.acc}, under ${BENCH.ia.optimizer} at ${BENCH.ia.lr} against momentum SGD at ${BENCH.fa.lr}), though its hidden layers’ B came far closer to Wᵀ (${BENCH.ia.hidden[0]} and ${BENCH.ia.hidden[1]} against ${BENCH.fa.layers[0]} and ${BENCH.fa.layers[1]}). ` +
        'Kunin et al.’s claim is about robustness across architectures of deep networks on ImageNet, trained far longer; our short MNIST runs neither confirm nor refute it.',
    },
    {
      title: 'All three side by side',
      text:
        'Now run feedback alignment, weight mirror and information alignment from the same seed and the same starting weights, with the same learning rate. ' +
        'Each uses its default coefficients and B learns at W’s rate; the benchmark gave some rules a rate of their own for B, which the lab’s settings do not offer. ' +
        'We have not measured this preset, so the outcome is yours to find.',
      preset: mnistRun({ rule: 'fa', compare: ['fa', 'wm', 'ia'], views: ['loss', 'accuracy', 'angles'] }),
      watch: 'Which runs stay stable, which learn fastest, and how far each one’s angles fall.',
      question: 'Rank the three by final accuracy and by how far their angles fell. Do the two rankings agree, and should they?',
      answer:
        `They need not agree. In our benchmark Kolen-Pollack ended with a ${BENCH.kp.top} top-layer angle and ${BENCH.kp.acc}, while symmetric alignment reached ${BENCH.sa.top} but ${BENCH.sa.acc}, ` +
        `and sign symmetry, at ${BENCH.ss.top}, beat feedback alignment. Accuracy also depends on the size of the feedback and on how well the lower layers align, not only on the top layer’s angle.`,
    },
  ],
);

const DEEP = [256, 256, 256, 256];

const depthGap = lesson(
  'depth-gap',
  'Does depth widen the gap?',
  'intermediate',
  'Backprop, feedback alignment and direct feedback alignment on one hidden layer and on four. Papers report that the gap to backprop widens with depth; this lesson lets the class test that on MNIST.',
  [
    {
      title: 'One hidden layer',
      text:
        'Direct feedback alignment (Nøkland 2016) sends the output error straight to every hidden layer through that layer’s own fixed random matrix, instead of passing it down layer by layer. ' +
        'With one hidden layer there is only one path, so here feedback alignment and direct feedback alignment are the same algorithm and differ only in the random draw of B. ' +
        'Run all three rules on a 784-256-10 network and note their final test accuracies.',
      preset: mnistRun({ hidden: [256], rule: 'bp', compare: ['bp', 'fa', 'dfa'], views: ['accuracy', 'loss'] }),
      watch: 'The three accuracy curves, and the final test accuracy of each: write them down for the next step.',
      question: 'Do feedback alignment and direct feedback alignment end close together? Should they match exactly?',
      answer:
        'Close, but not exactly: the rule is the same, but B is a different random matrix from the same distribution, and a different B gives a different trajectory. ' +
        'Their difference is a rough yardstick for how much one random draw matters, useful when judging the gaps in the next step.',
    },
    {
      title: 'Four hidden layers',
      text:
        'Now the same rules train four hidden layers of 256 units. ' +
        'Backprop’s error reaches the first layer through four exact transposes, feedback alignment’s through four random matrices in a row, and direct feedback alignment’s in one random hop from the output. ' +
        'Kunin et al. (2020) found that the gap between their local rule and backprop widens with depth, and Shervani-Tabar and Rosenbaum write that random feedback “learns slowly and does not perform well with deeper models”. ' +
        'We have not measured depth in this lab: compare your numbers with the previous step.',
      preset: mnistRun({ hidden: DEEP, rule: 'bp', compare: ['bp', 'fa', 'dfa'], views: ['accuracy', 'loss', 'angles'] }),
      watch: 'The final accuracies against the one-layer runs: did each rule gain or lose, and did the gap to backprop grow? Direct feedback alignment shows an angle for its top layer only, the one B with the shape of Wᵀ.',
      question: 'Did depth cost feedback alignment more than backprop? What is one reason it might, and one reason this MNIST network may be too easy to show it?',
      answer:
        'Each random matrix in the chain helps only as far as the weights above it have aligned with it, and lower layers align least (lesson “Feedback alignment”), so deep layers get a poorer teaching signal. ' +
        'But MNIST is easy, and a network whose top layers do most of the work already does well, so a small gap here says little about deep networks on hard tasks such as ImageNet, where the papers report their gaps.',
    },
    {
      title: 'Inside the deep network',
      text:
        'Run feedback alignment alone on the four-layer network and look at each layer’s angle. ' +
        `With two hidden layers the benchmark’s angles, from the first layer to the top, ended at ${BENCH.fa.layers[0]}, ${BENCH.fa.layers[1]} and ${BENCH.fa.layers[2]}. ` +
        'Five weight matrices now lie between input and output, and all but the first carry an error down through a fixed random B.',
      preset: mnistRun({ hidden: DEEP, rule: 'fa', views: ['angles', 'accuracy'] }),
      watch: 'The five lines of the angles chart: which layers align, and how the fall changes from the top down.',
      question: 'Which layers’ angles fell, and how does the pattern compare with the two-hidden-layer network?',
      answer:
        'For the teacher, an expectation we have not measured: the output layer should align most and the layers below less, as in the two-layer benchmark, and the first layer stays near 90° because its B is never used. ' +
        'If the middle layers barely move, their random feedback is not yet a useful signal, one concrete way depth can hurt feedback alignment.',
    },
  ],
);

const spikes = lesson(
  'spikes-surrogate-vs-stdp',
  'Spikes: surrogate gradients versus a spike-only rule',
  'intermediate',
  'A network of leaky integrate-and-fire neurons trained by surrogate-gradient backprop through time, then by BP-STDP, a local rule that uses spikes alone. Each preset repeats a run of our spiking benchmark: one epoch on 6,000 MNIST images.',
  [
    {
      title: 'Surrogate gradients through time',
      text:
        'Each neuron here is leaky integrate-and-fire: its membrane potential adds up incoming current, leaks 5% per step, and fires a spike when it crosses a threshold. ' +
        'Each image arrives as random (Poisson) spike trains over T = 25 steps, one train per pixel, brighter pixels firing more often. ' +
        'A spike is a step function of the membrane potential, so its derivative is zero almost everywhere and plain backprop would pass no error down. ' +
        'Surrogate-gradient training keeps the real spikes going forward but uses a smooth “fast sigmoid” slope in their place going backward, through all 25 steps (backprop through time). ' +
        `In our benchmark this exact setting (one epoch on 6,000 training images, tested on 1,000) reached ${SNN.surrogateBp} test accuracy.`,
      preset: spikingRun({ rule: 'surrogate-bp', views: ['raster', 'accuracy', 'loss'] }),
      watch: 'The spike raster (neurons against time steps): how many neurons fire, and how often. The accuracy over the single epoch.',
      question: 'Backprop through time keeps every neuron’s membrane potential and spikes at every step until the backward pass. Why is that a problem for a brain or a neuromorphic chip?',
      answer:
        'The backward pass runs backwards in time, so it needs the whole stored history of the forward pass: memory grows with T (this engine keeps 5 to 6 numbers per neuron, per step, per example), ' +
        'and the errors travel on a separate, precise, non-spiking pathway through Wᵀ. A synapse has only its own recent pre- and postsynaptic activity, and perhaps a signal broadcast to many cells.',
    },
    {
      title: 'A spike-only local rule: BP-STDP',
      text:
        'BP-STDP (Tavanaei & Maida 2019) learns with spikes alone: integrate-and-fire neurons, no surrogate slope, no optimiser and no pass backwards through time. ' +
        'A teacher spike train marks the correct class; at each teacher spike an output neuron’s error is +1 if it should have fired in the last 5 steps and did not, −1 if it fired there and should not have. ' +
        'Each weight then changes by a small rate times its input’s spikes in those 5 steps times the error of the neuron it feeds, an STDP-like update. ' +
        'Hidden neurons get their error through the forward weights, so weight transport remains. ' +
        `On the same network, T and images it reached ${SNN.bpstdp} in our benchmark.`,
      preset: spikingRun({ rule: 'bpstdp', views: ['accuracy', 'loss'] }),
      watch: 'The accuracy, against the surrogate-gradient run. The loss chart shows another quantity here (the size of the output errors per example), so compare accuracy, not loss; this rule records no raster.',
      question: 'What does one BP-STDP weight update need to know, and from how long ago?',
      answer:
        'The presynaptic neuron’s spikes in the last 5 steps and the postsynaptic neuron’s error now; nothing older. The surrogate-gradient run needed all 25 steps of every neuron stored before it could update anything. ' +
        'What BP-STDP still borrows from backprop is the hidden error, computed through the forward weights.',
    },
    {
      title: 'Three rules, one epoch',
      text:
        'Run three rules from the same seed on the same images: surrogate gradients through Wᵀ, surrogate gradients through a fixed random B (feedback alignment for spikes), and BP-STDP. ' +
        `In our benchmark, after this one epoch, they reached ${SNN.surrogateBp}, ${SNN.surrogateFa} and ${SNN.bpstdp}. ` +
        'These are single short runs on a subset, far from what the papers report after full training, so treat the differences as something to explain, not a verdict.',
      preset: spikingRun({ rule: 'surrogate-bp', compare: ['surrogate-bp', 'surrogate-fa', 'bpstdp'], views: ['accuracy'] }),
      watch: 'The three accuracy curves over the epoch, and where each ends.',
      question:
        `In our benchmark, swapping Wᵀ for a random B cost the surrogate-gradient network ${points(SNN.surrogateBp, SNN.surrogateFa)} points, ` +
        `while BP-STDP, which keeps Wᵀ but drops backprop through time, was ${points(SNN.surrogateBp, SNN.bpstdp)} points behind. Why might that be, and what would you run to check?`,
      answer:
        'One possible reason: random feedback needs time for the forward weights to align with B (lesson “Feedback alignment”), and one epoch of 6,000 images is only 46 batches, ' +
        'while BP-STDP keeps exact feedback through Wᵀ. To check, train for more epochs on the full set, and repeat with several seeds.',
    },
  ],
);

const boundaries = lesson(
  'decision-boundaries',
  'What hidden layers buy: decision boundaries',
  'introductory',
  'Small 2-D data sets where the boundary a network draws can be seen: one hidden unit draws one straight line, more units bend it, and a second layer lets it wind around a spiral.',
  [
    {
      title: 'One hidden unit draws one line',
      text:
        'The XOR set has four clusters, one in each quadrant: points where x and y have the same sign are one class, points where the signs differ are the other. ' +
        'This network has a single hidden ReLU unit, and one unit can only split the plane along one straight line. ' +
        'So however long it trains, it can get at most about three quarters of the points right. ' +
        'The boundary view colours the plane by the class the network predicts there.',
      preset: planeRun('xor', { hidden: [1], epochs: 100 }),
      watch: 'The boundary view: a single straight edge, or none at all. The accuracy levelling off well below 100%.',
      question: 'Why can no straight line solve XOR? Which three of the four clusters would you choose to get right?',
      answer:
        'Each class sits in two opposite corners, so any line that puts both corners of one class on the same side also puts at least one corner of the other class there. ' +
        'The best a line can do is cut off one corner: that cluster and the two clusters of the other class come out right, about 75% of the points.',
    },
    {
      title: 'Sixteen units bend the boundary',
      text:
        'Now the hidden layer has 16 ReLU units. ' +
        'Each unit folds the plane along its own straight line, and the output adds the folds up, so the boundary is made of straight pieces that can turn corners. ' +
        'Watch how the boundary changes as training goes on.',
      preset: planeRun('xor', { hidden: [16], epochs: 100 }),
      watch: 'The boundary view as it changes during training, and the accuracy against the one-unit network.',
      question: 'What did the extra units buy? Could many more units hurt on a data set this small?',
      answer:
        'Each unit lets the boundary bend once more, so the network can wrap a class in a shape made of several straight pieces instead of one line, which XOR needs. ' +
        'With many units and few points the boundary can also bend around single noisy points (overfitting), which shows as training accuracy above test accuracy.',
    },
    {
      title: 'Two layers wind around a spiral',
      text:
        'Two spiral arms wound around each other need a boundary that winds between them, all the way round and more. ' +
        'A second hidden layer folds the folds of the first, so the same number of units can make many more straight pieces. ' +
        'Watch whether the boundary follows the arms, and where it gives up.',
      preset: planeRun('spirals', { hidden: [64, 64], epochs: 300 }),
      watch: 'The boundary view: does it follow the arms all the way in to the centre?',
      question: 'Where on the spirals does the network make its mistakes, and why there?',
      answer:
        'Expect them near the centre (we have not measured this preset). Both arms start inside a small disc there, so points of different classes lie closest together and the arms bend most sharply; ' +
        'the boundary must turn tightly between them, and any noise makes the arms overlap there first.',
    },
  ],
);

/** The lessons, in the order a course might take them. */
export const LESSONS: readonly Lesson[] = Object.freeze([weightTransport, feedbackAlignment, mirrorVsInformation, depthGap, spikes, boundaries]);

/** The lesson with this id, or undefined. */
export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** The step a share link's lesson place points at, or undefined when the lesson or step does not exist. */
export function findLessonStep(place: LessonPlace): LessonStep | undefined {
  const l = findLesson(place.id);
  return l && Number.isInteger(place.step) ? l.steps[place.step] : undefined;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
