/// One evaluation's numbers, tagged with the frozen feature network that produced them (FID/KID/PR/IS
/// values are only comparable under one evaluator and one sample count).
///
/// JSON keys are exactly `fid`, `kid`, `kid_std`, `precision`, `recall`, `is`, `is_std`, `evaluator` and
/// `samples`. Metrics that were not computed (precision/recall skipped during training, IS without
/// logits) are encoded as `null`, so every key is always present.
public struct MetricReport: Codable, Sendable, Equatable {
  /// FID (see ``FrechetDistance``).
  public var fid: Double
  /// KID mean over subsets (see ``KernelInceptionDistance``).
  public var kid: Double
  /// KID standard deviation over subsets.
  public var kidStd: Double
  /// Improved precision (see ``PrecisionRecall``), if computed.
  public var precision: Double?
  /// Improved recall, if computed.
  public var recall: Double?
  /// Inception-style score mean over splits (see ``InceptionScore``), if computed.
  public var isMean: Double?
  /// Inception-style score standard deviation over splits, if computed.
  public var isStd: Double?
  /// Tag of the feature network, e.g. `fmnist-cnn-v1`.
  public var evaluatorTag: String
  /// Number of generated samples evaluated.
  public var sampleCount: Int

  /// A report from its fields.
  public init(fid: Double, kid: Double, kidStd: Double, precision: Double? = nil, recall: Double? = nil,
              isMean: Double? = nil, isStd: Double? = nil, evaluatorTag: String, sampleCount: Int) {
    self.fid = fid
    self.kid = kid
    self.kidStd = kidStd
    self.precision = precision
    self.recall = recall
    self.isMean = isMean
    self.isStd = isStd
    self.evaluatorTag = evaluatorTag
    self.sampleCount = sampleCount
  }

  /// A report assembled from computed metrics.
  public init(fid: FrechetDistance, kid: KernelInceptionDistance, precisionRecall: PrecisionRecall? = nil,
              inceptionScore: InceptionScore? = nil, evaluatorTag: String, sampleCount: Int) {
    self.init(fid: fid.value, kid: kid.mean, kidStd: kid.std, precision: precisionRecall?.precision,
              recall: precisionRecall?.recall, isMean: inceptionScore?.mean, isStd: inceptionScore?.std,
              evaluatorTag: evaluatorTag, sampleCount: sampleCount)
  }

  private enum CodingKeys: String, CodingKey {
    case fid, kid, kidStd = "kid_std", precision, recall, isMean = "is", isStd = "is_std",
      evaluatorTag = "evaluator", sampleCount = "samples"
  }

  /// Encodes every key, writing `null` for metrics that were not computed.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(fid, forKey: .fid)
    try c.encode(kid, forKey: .kid)
    try c.encode(kidStd, forKey: .kidStd)
    try c.encode(precision, forKey: .precision)
    try c.encode(recall, forKey: .recall)
    try c.encode(isMean, forKey: .isMean)
    try c.encode(isStd, forKey: .isStd)
    try c.encode(evaluatorTag, forKey: .evaluatorTag)
    try c.encode(sampleCount, forKey: .sampleCount)
  }
}
