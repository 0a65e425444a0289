namespace Gac.Core.Spec;

/// <summary>
/// A path from gac.yaml: <see cref="Text"/> as the user wrote it (for messages), <see cref="FullPath"/>
/// resolved against the folder of the spec file, so the result does not depend on the current directory.
/// </summary>
public sealed record SpecPath(string Text, string FullPath)
{
    public override string ToString() => Text;
}
