/** The tutorial's published results, shown beside runs of the presets it describes. */
export interface TutorialReference {
  preset: string;
  model: string;
  /** How long the tutorial's run took, or "—" where it does not say. */
  time: string;
  /** NaN where the tutorial does not give it. */
  trainAccuracy: number;
  testAccuracy: number;
  optimizer: string;
  learningRate: number;
  reduction: 'sum' | 'mean';
  steps: number;
}

export const TUTORIAL_REFERENCES: readonly TutorialReference[] = [
  {
    preset: 'beginner',
    model: 'beginner (tutorial, 2014 laptop)',
    time: '0:44',
    trainAccuracy: 0.94,
    testAccuracy: 0.922,
    optimizer: 'SGD',
    learningRate: 0.001,
    reduction: 'sum',
    steps: 30_000,
  },
  {
    preset: 'hidden-layer',
    model: 'hidden-layer (tutorial, 2014 laptop)',
    time: '8:23',
    trainAccuracy: 0.97,
    testAccuracy: 0.966,
    optimizer: 'SGD',
    learningRate: 0.001,
    reduction: 'sum',
    steps: 30_000,
  },
  {
    // "Deep MNIST for experts", the tutorial's sequel: it reports the test accuracy only.
    preset: 'deep-mnist',
    model: 'deep-mnist (Deep MNIST for experts)',
    time: '—',
    trainAccuracy: Number.NaN,
    testAccuracy: 0.992,
    optimizer: 'Adam',
    learningRate: 0.0001,
    reduction: 'mean',
    steps: 20_000,
  },
];
