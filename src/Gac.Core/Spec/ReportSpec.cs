namespace Gac.Core.Spec;

/// <param name="Directory">Defaults to the folder of <c>export.path</c>.</param>
public sealed record ReportSpec(SpecPath Directory, IReadOnlyList<ReportFormat> Formats);
