import DTRTraining

/// What a key does. The controller carries them out; the help overlay only reads their descriptions.
public enum Action: Hashable, Sendable {
  // main screen
  case toggleHelp, quit, pause, pauseNow, edit(Hyperparameter), unstageAll, saveCheckpoint, stop
  case cycleSmoothing, toggleLogY, zoomIn, zoomOut, moveCursor(dt: Int, dc: Int), block(Int), scrubSamples(Int)
  case toggleHeatScale, toggleAffinityMatrix, cycleTheme, redraw, expand(PanelID?)
  // help overlay: scroll by lines, by pages
  case scrollHelp(Int), pageHelp(Int)
  // editor
  case nextField, previousField, nudgeUp, nudgeDown, typeText, deleteChar, stageValue, unstageField, closeEditor
  // confirmation dialog
  case confirm, cancel
}
