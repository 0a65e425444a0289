using Gac.Core.Hardware;

namespace Gac.Cli.Hosting;

/// <summary>--profile NAME or --align N, for audit and plan: the alignment a model is checked or planned against.</summary>
public sealed class AlignmentOptions(string profileDescription, string alignDescription)
{
    private readonly Option<string?> _profile = CliOptions.Text("--profile", "name", profileDescription);
    private readonly Option<int?> _align = CliOptions.Int("--align", "N", alignDescription, 1, 4096);

    public static string ProfileNames => string.Join(", ", BuiltInProfiles.All.Select(p => p.Name));

    public IEnumerable<Option> Options => [_profile, _align];

    public bool Given(CommandContext context) => context.Given(_profile) || context.Given(_align);

    /// <summary>The profile named, a plain multiple, or generic-8 when neither is given.</summary>
    public AlignmentProfile Resolve(CommandContext context)
    {
        var name = context.Get(_profile);
        var multiple = context.Get(_align);
        if (name is not null && multiple is not null)
        {
            throw ArgumentErrors.Create("give either --profile or --align, not both.");
        }

        if (multiple is { } m)
        {
            return BuiltInProfiles.ForMultiple(m);
        }

        return name is null
            ? BuiltInProfiles.Generic8
            : BuiltInProfiles.Find(name) ?? throw ArgumentErrors.Create($"unknown profile '{name}'. Built-in profiles: {ProfileNames}.");
    }
}
