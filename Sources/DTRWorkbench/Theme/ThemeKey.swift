/// The colour roles a theme assigns; the raw values are the keys of `theme[key]="…"` lines.
public enum ThemeKey: String, CaseIterable, Sendable {
  case mainBg = "main_bg", mainFg = "main_fg", title, hiFg = "hi_fg"
  case selectedBg = "selected_bg", selectedFg = "selected_fg", inactiveFg = "inactive_fg", divLine = "div_line"
  case lossFg = "loss_fg", rawFg = "raw_fg", markerFg = "marker_fg", bestFg = "best_fg", fidFg = "fid_fg"
  case heatmapStart = "heatmap_start", heatmapMid = "heatmap_mid", heatmapEnd = "heatmap_end"
  case affinityConflict = "affinity_conflict", affinityZero = "affinity_zero", affinityHigh = "affinity_high"
  case okFg = "ok_fg", warnFg = "warn_fg", errorFg = "error_fg"
  case runningBg = "running_bg", pausedBg = "paused_bg", pendingBg = "pending_bg", bannerFg = "banner_fg"
}
