/// What a key does in the comparison view (none of it steers a run).
public enum ComparisonAction: Hashable, Sendable {
  case toggleHelp, quit, toggleArm, showAllArms, toggleSeeds, cycleSmoothing, cycleTheme, redraw
}
