namespace WirelessGnn.Models.RoutedMtl;

/// <summary>One point of a test curve (Figs. 5–8): a scheme's test metric of one task after <c>Step</c> steps.</summary>
public sealed record CurvePoint(string Scheme, MtlTask Task, long Step, double Value, double? Violation);
