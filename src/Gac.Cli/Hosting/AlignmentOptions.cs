using System.CommandLine;
using Gac.Core.Hardware;

namespace Gac.Cli.Hosting;

/// <summary>--profile NAME or --align N, for audit and plan: the alignment a model is checked or planned against.</summary>
public sealed class AlignmentOptions
{
    private readonly Option<string?> _profile;
    private readonly Option<int?> _align;

    public AlignmentOptions(Command command, string profileDescription, string alignDescription)
    {
        _profile = CliOptions.Text("--profile", "name", profileDescription);
        _align = CliOptions.Int("--align", "N", alignDescription, 1, 4096);
        command.Options.Add(_profile);
        command.Options.Add(_align);
    }

    public static string ProfileNames => string.Join(", ", BuiltInProfiles.All.Select(p => p.Name));

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
