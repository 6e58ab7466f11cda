/** The tutorial's published results, shown beside runs of the presets it describes. */
export interface TutorialReference {
  preset: string;
  model: string;
  time: string;
  trainAccuracy: number;
  testAccuracy: number;
}

export const TUTORIAL_REFERENCES: readonly TutorialReference[] = [
  {
    preset: 'beginner',
    model: 'beginner (tutorial, 2014 laptop)',
    time: '0:44',
    trainAccuracy: 0.94,
    testAccuracy: 0.922,
  },
  {
    preset: 'hidden-layer',
    model: 'hidden-layer (tutorial, 2014 laptop)',
    time: '8:23',
    trainAccuracy: 0.97,
    testAccuracy: 0.966,
  },
];
